package zone

import "strings"

// at says where in a zone file a problem sits, as the TOML names it: the
// i-th [[camera]] (1-based), its j-th [[camera.mask]], a key. The TOML
// decoder does not tell where a key was, so ParseZone finds the line with
// a light scan of the text (lineIndex); a zone built in memory has none.
type at struct {
	table    string // "camera", "round", "street"; "" for the top level
	index    int    // 1-based position among the table's [[...]] entries
	sub      string // "mask", "step"
	subIndex int
	key      string
}

// lineIndex maps positions to the line (1-based) where they first appear.
type lineIndex map[at]int

// indexLines scans the text of a zone file for [[table]] and
// [[table.sub]] headers and "key =" lines. It reads TOML only as far as
// locating needs: a key inside a multi-line string may be mistaken for a
// key line, which at worst points a message at a nearby line.
func indexLines(src []byte) lineIndex {
	out := lineIndex{}
	var cur at
	counts := map[string]int{}
	subCounts := map[string]int{}
	inMulti := ""
	for n, line := range strings.Split(string(src), "\n") {
		l := strings.TrimSpace(line)
		if inMulti != "" {
			if strings.Count(l, inMulti)%2 == 1 {
				inMulti = ""
			}
			continue
		}
		switch {
		case strings.HasPrefix(l, "[["):
			end := strings.Index(l, "]]")
			if end < 0 {
				continue
			}
			parts := strings.Split(l[2:end], ".")
			for i := range parts {
				parts[i] = strings.Trim(strings.TrimSpace(parts[i]), `"'`)
			}
			switch {
			case len(parts) == 1:
				counts[parts[0]]++
				cur = at{table: parts[0], index: counts[parts[0]]}
				clear(subCounts)
			case len(parts) == 2 && parts[0] == cur.table:
				subCounts[parts[1]]++
				cur = at{table: cur.table, index: cur.index, sub: parts[1], subIndex: subCounts[parts[1]]}
			default:
				continue
			}
			out.add(cur, n+1)
		case strings.HasPrefix(l, "["):
			end := strings.Index(l, "]")
			if end < 0 {
				continue
			}
			cur = at{table: strings.TrimSpace(l[1:end])}
		default:
			eq := strings.Index(l, "=")
			if eq <= 0 || strings.HasPrefix(l, "#") {
				continue
			}
			k := cur
			k.key = strings.Trim(strings.TrimSpace(l[:eq]), `"'`)
			out.add(k, n+1)
			for _, q := range []string{`"""`, `'''`} {
				if strings.Count(l[eq:], q)%2 == 1 {
					inMulti = q
				}
			}
		}
	}
	return out
}

func (li lineIndex) add(a at, line int) {
	if _, ok := li[a]; !ok {
		li[a] = line
	}
}

// find gives the line of a, or of the nearest thing that encloses it: the
// sub-table's header, the key holding an inline array ("mask = [...]"),
// the table entry's header. 0 when none is known.
func (li lineIndex) find(a at) int {
	tries := []at{a, {table: a.table, index: a.index, sub: a.sub, subIndex: a.subIndex}}
	if a.sub != "" {
		tries = append(tries, at{table: a.table, index: a.index, key: a.sub})
	}
	tries = append(tries, at{table: a.table, index: a.index})
	for _, t := range tries {
		if n, ok := li[t]; ok {
			return n
		}
	}
	return 0
}
