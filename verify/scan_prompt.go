package verify

// The prompt scan: what the answer features compare against.

func scanPrompt(p string, ps *promptStats) {
	if len(p) > promptScanBytes {
		p = p[:promptScanBytes]
	}
	ps.chars = len(p)
	// As scanAnswer: 64 bytes at a time, words from the letter mask,
	// then the other bytes but spaces in order.
	var (
		next  int    // the first byte no number or fence has consumed
		lastL uint64 // the last byte before the block is a letter
		open  = -1   // the start of a word running on past the block
	)
	for base := 0; base < len(p); base += 64 {
		letters, events := blockMasks(p, base)
		prevL := letters<<1 | lastL // bit k: p[base+k-1] is a letter
		edges := letters ^ prevL
		starts, ends := edges&letters, edges&^letters
		lastL = letters >> 63

		if open >= 0 && ends != 0 {
			j := base + tz(ends)
			if m := promptIndex.candidatesOf(j-open, p[open], p[j-1]); m != 0 && lookup(m, promptWords, p[open:j]) != 0 {
				ps.asksCode++
			}
			open = -1
		}
		for s := starts & longRuns3(letters); s != 0; s &= s - 1 {
			k := tz(s)
			e := ends & after(k)
			if e == 0 {
				open = base + k
				break
			}
			i, j := base+k, base+tz(e)
			if m := promptIndex.candidatesOf(j-i, p[i], p[j-1]); m != 0 && lookup(m, promptWords, p[i:j]) != 0 {
				ps.asksCode++
			}
		}

		// An event a number, a fence or "**" consumed is dropped from
		// the mask as it is consumed (after), no test per event.
		if next > base {
			events &= after(next - base)
		}
		for events != 0 {
			i := base + tz(events)
			events &= events - 1
			c := p[i]
			cl := byteClass[c]
			switch {
			case cl&clDigit != 0:
				if prevL>>uint(i-base)&1 != 0 {
					ps.digits++ // "a12": the 1 is no number's; the 2 starts one
					continue
				}
				v, j := number(p, i)
				ps.digits += j - i
				if ps.nNums < maxPromptNums {
					ps.nums[ps.nNums] = v
					ps.numBits |= numBit(v)
					ps.nNums++
				}
				ps.allNums++
				next = j
				events &= after(j - base)
			case cl&clPrompt == 0:
			case c == '?':
				ps.questions++
			case cl&clCodeSym != 0:
				ps.codeSyms++
			case c == '`':
				if i+2 < len(p) && p[i+1] == '`' && p[i+2] == '`' {
					ps.fences++
					next = i + 3
					events &= after(next - base)
				}
			case c >= 0x80:
				ps.nonASCII++
			}
		}
	}
	if open >= 0 {
		if m := promptIndex.candidatesOf(len(p)-open, p[open], p[len(p)-1]); m != 0 && lookup(m, promptWords, p[open:]) != 0 {
			ps.asksCode++
		}
	}
}
