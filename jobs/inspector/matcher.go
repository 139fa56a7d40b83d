package inspector

import "math"

// matcher finds many fixed strings in one pass (Aho–Corasick over bytes, with every
// transition precomputed). Chinese text in UTF-8 starts most characters with the same
// few lead bytes, so running strings.Index once per word rescans a page dozens of
// times; a dense automaton reads each byte once whatever the number of words.
//
// Bytes that no pattern uses all behave alike, so the table has a column per byte
// class rather than per byte: the two thousand pairs of typos-common.txt make some
// fifteen thousand states, 15 MB with 256 columns and a third of that with classes.
type matcher struct {
	class [256]uint8 // byte → column; 0 for the bytes no pattern holds
	cols  int
	// next: row + class → the next state's row (state*cols), complemented (^row) when
	// patterns end there, so that a byte of text costs one load and one test.
	next []int32
	out  [][]int32 // state → ids of the patterns that end here
	lens []int     // pattern id → length in bytes
}

func newMatcher(patterns []string) *matcher {
	m := &matcher{cols: 1, out: [][]int32{nil}}
	var used [256]bool
	for _, p := range patterns {
		for i := 0; i < len(p); i++ {
			used[p[i]] = true
		}
	}
	for b, u := range used {
		if u && m.cols < 256 {
			m.class[b] = uint8(m.cols)
			m.cols++
		}
	}
	if m.cols == 256 {
		// Patterns that use (nearly) every byte value: one column per byte.
		for b := range m.class {
			m.class[b] = uint8(b)
		}
	}
	m.next = make([]int32, m.cols)
	for i := range m.next {
		m.next[i] = -1
	}
	for id, p := range patterns {
		m.lens = append(m.lens, len(p))
		if p == "" {
			continue
		}
		s := int32(0)
		for i := 0; i < len(p); i++ {
			c := int(m.class[p[i]])
			t := m.next[int(s)*m.cols+c]
			if t < 0 {
				t = int32(len(m.out))
				m.out = append(m.out, nil)
				row := make([]int32, m.cols)
				for j := range row {
					row[j] = -1
				}
				m.next = append(m.next, row...)
				m.next[int(s)*m.cols+c] = t
			}
			s = t
		}
		m.out[s] = append(m.out[s], int32(id))
	}
	// Breadth-first: fill missing transitions through the failure links and inherit
	// the outputs of the failure state, so that scanning never backtracks.
	fail := make([]int32, len(m.out))
	queue := make([]int32, 0, len(m.out))
	for c := 0; c < m.cols; c++ {
		if t := m.next[c]; t > 0 {
			queue = append(queue, t)
		} else {
			m.next[c] = 0
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		m.out[s] = append(m.out[s], m.out[fail[s]]...)
		for c := 0; c < m.cols; c++ {
			i := int(s)*m.cols + c
			if t := m.next[i]; t >= 0 {
				fail[t] = m.next[int(fail[s])*m.cols+c]
				queue = append(queue, t)
			} else {
				m.next[i] = m.next[int(fail[s])*m.cols+c]
			}
		}
	}
	if len(m.out)*m.cols > math.MaxInt32 {
		panic("inspector: too many patterns for one automaton") // hundreds of thousands of words
	}
	for i, t := range m.next {
		row := t * int32(m.cols)
		if len(m.out[t]) > 0 {
			row = ^row
		}
		m.next[i] = row
	}
	return m
}

// find calls fn for every occurrence of every pattern, in order of their end.
func (m *matcher) find(s string, fn func(id, start, end int)) {
	row := int32(0)
	for i := 0; i < len(s); i++ {
		row = m.next[row+int32(m.class[s[i]])]
		if row < 0 {
			row = ^row
			for _, id := range m.out[row/int32(m.cols)] {
				fn(int(id), i+1-m.lens[id], i+1)
			}
		}
	}
}

// first reports the id of the first pattern found, or -1.
func (m *matcher) first(s string) int {
	row := int32(0)
	for i := 0; i < len(s); i++ {
		if row = m.next[row+int32(m.class[s[i]])]; row < 0 {
			return int(m.out[^row/int32(m.cols)][0])
		}
	}
	return -1
}
