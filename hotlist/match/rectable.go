package match

// recTable holds the packed entries of one list in chunks of recChunk. A
// national list appended to one flat slice is copied at every growth, and
// each new array is larger than every freed one, so an import used to map
// several times its entries' size before the garbage was returned; chunks
// never move and a freed chunk fits the next. Reading entry i costs one
// more load, from a chunk table that stays in the cache.
type recTable struct {
	chunks [][]rec
	n      int
}

const (
	recChunkBits = 16 // 65536 entries, 3 MiB
	recChunk     = 1 << recChunkBits
)

func (t *recTable) at(i int) *rec { return &t.chunks[i>>recChunkBits][i&(recChunk-1)] }

func (t *recTable) len() int { return t.n }

// add appends r. The first chunk grows as a slice does, so that a local
// list of a few hundred entries costs a few hundred entries.
func (t *recTable) add(r rec) {
	last := len(t.chunks) - 1
	if last < 0 || len(t.chunks[last]) == recChunk {
		c := make([]rec, 0, 16)
		if last >= 0 {
			c = make([]rec, 0, recChunk)
		}
		t.chunks = append(t.chunks, c)
		last++
	}
	t.chunks[last] = append(t.chunks[last], r)
	t.n++
}

// reserve makes room for n entries in advance, when the count is known (a
// stored version being loaded).
func (t *recTable) reserve(n int) {
	if t.n == 0 && n > 0 {
		c := make([]rec, 0, min(n, recChunk))
		adviseHuge(c[:cap(c)])
		t.chunks = append(t.chunks[:0], c)
	}
}
