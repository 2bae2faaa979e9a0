package verify

// The prompt scan: what the answer features compare against.

func scanPrompt(p string, ps *promptStats) {
	if len(p) > promptScanBytes {
		p = p[:promptScanBytes]
	}
	ps.chars = len(p)
	for i := 0; i < len(p); {
		c := p[i]
		cl := byteClass[c]
		switch {
		case cl&clLetter != 0:
			for {
				// wordEnd, inlined: the call cost as much as the word.
				j := i + 1
				for {
					if j+8 > len(p) {
						for j < len(p) && byteClass[p[j]]&clLetter != 0 {
							j++
						}
						break
					}
					n := letters8(load8(p, j))
					j += n
					if n < 8 {
						break
					}
				}
				if m := promptIndex.candidatesOf(j-i, p[i], p[j-1]); m != 0 && lookup(m, promptWords, p[i:j]) != 0 {
					ps.asksCode++
				}
				// A space (nothing to count) and another word: go on here.
				if j+1 >= len(p) || p[j] != ' ' || byteClass[p[j+1]]&clLetter == 0 {
					i = j
					break
				}
				i = j + 1
			}
			continue
		case cl&clDigit != 0:
			if i == 0 || byteClass[p[i-1]]&clLetter == 0 {
				v, j := number(p, i)
				ps.digits += j - i
				if ps.nNums < maxPromptNums {
					ps.nums[ps.nNums] = v
					ps.numBits |= numBit(v)
					ps.nNums++
				}
				ps.allNums++
				i = j
				continue
			}
			ps.digits++
		case cl&clPrompt == 0:
		case c == '?':
			ps.questions++
		case cl&clCodeSym != 0:
			ps.codeSyms++
		case c == '`':
			if i+2 < len(p) && p[i+1] == '`' && p[i+2] == '`' {
				ps.fences++
				i += 3
				continue
			}
		case c >= 0x80:
			ps.nonASCII++
		}
		i++
	}
}
