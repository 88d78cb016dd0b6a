package plate

import (
	"fmt"
	"strconv"
	"strings"
)

// expandTemplate turns a template with repetitions ("l{1,2}-d{1,4}") into
// the plain templates it stands for, keeping those whose total length is in
// [minLen, maxLen] (0: no bound). The country tables are written this way
// because a series such as "district of one to three letters, one or two
// letters, one to four digits" is one line in the sources and dozens of
// fixed layouts for the decoder, which needs the length of every position.
func expandTemplate(t string, minLen, maxLen int) ([]string, error) {
	type tok struct {
		cls      string
		min, max int
		sep      bool
	}
	var toks []tok
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c == '-' {
			toks = append(toks, tok{sep: true})
			continue
		}
		cls := string(c)
		if c == '[' {
			end := strings.IndexByte(t[i:], ']')
			if end < 0 {
				return nil, fmt.Errorf("template %q: unclosed [", t)
			}
			cls = t[i : i+end+1]
			i += end
		}
		lo, hi := 1, 1
		if i+1 < len(t) && t[i+1] == '{' {
			end := strings.IndexByte(t[i+1:], '}')
			if end < 0 {
				return nil, fmt.Errorf("template %q: unclosed {", t)
			}
			spec := t[i+2 : i+1+end]
			a, b, found := strings.Cut(spec, ",")
			var err1, err2 error
			lo, err1 = strconv.Atoi(a)
			hi = lo
			if found {
				hi, err2 = strconv.Atoi(b)
			}
			if err1 != nil || err2 != nil || lo < 0 || hi < lo {
				return nil, fmt.Errorf("template %q: bad repetition {%s}", t, spec)
			}
			i += end + 1
		}
		toks = append(toks, tok{cls: cls, min: lo, max: hi})
	}
	out := []string{""}
	lens := []int{0}
	for _, tk := range toks {
		var next []string
		var nextLens []int
		for j, pre := range out {
			if tk.sep {
				next, nextLens = append(next, pre+"-"), append(nextLens, lens[j])
				continue
			}
			for r := tk.min; r <= tk.max; r++ {
				next, nextLens = append(next, pre+strings.Repeat(tk.cls, r)), append(nextLens, lens[j]+r)
			}
		}
		out, lens = next, nextLens
	}
	var res []string
	for j, s := range out {
		if (minLen > 0 && lens[j] < minLen) || (maxLen > 0 && lens[j] > maxLen) {
			continue
		}
		if strings.Contains(s, "--") || strings.HasPrefix(s, "-") || strings.HasSuffix(s, "-") {
			continue // a group repeated zero times
		}
		res = append(res, s)
	}
	return res, nil
}
