package verify

import "math"

// Arithmetic in an answer that does not check out is the clearest sign of a
// wrong GSM8K answer: "3 x 60 = 190" or a calculator annotation
// "<<15+25=45>>". checkEquation reads the expression just left of an '='
// (numbers joined by + - * x × / ÷, at most maxTerms) and the number just
// right of it; it checks only what it can read whole, so words,
// parentheses or variables before the expression end it there.

const maxTerms = 12

// checkEquation looks at the '=' at t[eq]. ok says whether there was an
// equation of two or more numbers to check; bad whether it is wrong by more
// than rounding (1% of the right side, and at least 0.01).
func checkEquation(t string, eq int) (ok, bad bool) {
	// The right side.
	j := eq + 1
	for j < len(t) && (t[j] == ' ' || t[j] == '$') {
		j++
	}
	neg := false
	if j < len(t) && t[j] == '-' {
		neg = true
		j++
	}
	if j >= len(t) || !isDigit(t[j]) {
		return false, false
	}
	rhs, _ := number(t, j)
	if neg {
		rhs = -rhs
	}
	// The left side, read backwards into terms and operators.
	var vals [maxTerms]float64
	var ops [maxTerms]byte // ops[k] joins vals[k+1] (left) and vals[k] (right)
	n := 0
	i := eq - 1
	for n < maxTerms {
		for i >= 0 && t[i] == ' ' {
			i--
		}
		if i >= 0 && t[i] == '%' {
			i-- // a percentage: read as a number, divided below
		}
		pct := i+1 < len(t) && i+1 < eq && t[i+1] == '%'
		end := i
		for i >= 0 && (isDigit(t[i]) || t[i] == '.' || t[i] == ',') {
			i--
		}
		if end == i || !isDigit(t[i+1]) || i >= 0 && isLetter(t[i]) {
			break
		}
		v, stop := number(t, i+1)
		if stop != end+1 {
			break // "1.2.3", a trailing comma: not a number
		}
		if pct {
			v /= 100
		}
		if i >= 0 && t[i] == '$' {
			i--
		}
		vals[n] = v
		n++
		k := i
		for k >= 0 && t[k] == ' ' {
			k--
		}
		var op byte
		switch {
		case k < 0:
		case t[k] == '+' || t[k] == '-' || t[k] == '*' || t[k] == '/':
			op = t[k]
			k--
		case (t[k] == 'x' || t[k] == 'X') && k > 0 && t[k-1] == ' ':
			op = '*'
			k--
		case k >= 1 && t[k-1] == 0xc3 && t[k] == 0x97: // ×
			op = '*'
			k -= 2
		case k >= 1 && t[k-1] == 0xc3 && t[k] == 0xb7: // ÷
			op = '/'
			k -= 2
		}
		if op == 0 {
			break
		}
		// an operator must have a number on its left
		m := k
		for m >= 0 && (t[m] == ' ' || t[m] == '$') {
			m--
		}
		if m < 0 || !isDigit(t[m]) && t[m] != '%' {
			break
		}
		ops[n-1] = op
		i = k
	}
	if n < 2 {
		return false, false
	}
	// Evaluate left to right (vals are reversed) with * and / first.
	sum, term := 0.0, vals[n-1]
	sign := 1.0
	for k := n - 2; k >= 0; k-- {
		switch ops[k] {
		case '*':
			term *= vals[k]
		case '/':
			if vals[k] == 0 {
				return false, false
			}
			term /= vals[k]
		case '+', '-':
			sum += sign * term
			sign = 1
			if ops[k] == '-' {
				sign = -1
			}
			term = vals[k]
		}
	}
	lhs := sum + sign*term
	return true, math.Abs(lhs-rhs) > math.Max(0.01, 0.01*math.Abs(rhs))
}
