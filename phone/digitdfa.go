package phone

import (
	"errors"
	"regexp/syntax"
	"slices"
	"strconv"
)

// digitDFA is one of the library's number patterns turned into a
// deterministic automaton over the ten ASCII digits, the only characters a
// national significant number holds. The fast path uses it two ways:
//
//   - to run a pattern on a concrete number without the regexp package
//     (the general descriptions that steer parsing), and
//   - to ask whether a pattern answers the same for every number that
//     starts with a given prefix and has a given length (outcomes), which
//     is what lets fastTable decide a whole block of numbers from one
//     representative the library is asked about.
//
// The automaton is built from the same regexp/syntax parse the library's
// regexp.MustCompile does, so it accepts exactly the strings the library's
// "^(?:pattern)$" match accepts. Any construct it does not model (anchors,
// word boundaries) makes the build fail and the fast path stays off for
// that calling code.
type digitDFA struct {
	next   [][10]int32 // next[s][d]: state after digit d; state 0 is dead
	accept []bool
	// memo[s][n] caches outcomes(s, n): bit someMatch if some n-digit
	// continuation from s is accepted, bit someMiss if some is not.
	memo [][]uint8
}

const (
	someMatch uint8 = 1 << iota
	someMiss
)

// maxDFAStates bounds the subset construction. The largest pattern in the
// library's metadata needs under 300 states; one that blows past the bound
// is left to the library.
const maxDFAStates = 1 << 16

var errDFATooBig = errors.New("phone: pattern automaton too large")

// newDigitDFA builds the automaton for a full match of pattern, or with
// prefix for a match of some prefix (the library's lookingAt, used for
// leading-digits patterns): "(?:pattern)[0-9]*" over digit strings.
func newDigitDFA(pattern string, prefix bool) (*digitDFA, error) {
	if prefix {
		pattern = "(?:" + pattern + ")[0-9]*"
	}
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil, err
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return nil, err
	}
	b := dfaBuilder{prog: prog, index: map[string]int32{}, mark: make([]uint32, len(prog.Inst))}
	d := &digitDFA{}
	b.dfa = d
	// State 0 is the dead state: no thread alive, nothing accepted.
	d.next = append(d.next, [10]int32{})
	d.accept = append(d.accept, false)
	b.index[""] = 0

	b.gen++
	start, ok := b.closure(nil, uint32(prog.Start))
	slices.Sort(start)
	if !ok {
		return nil, errors.New("phone: pattern uses an assertion: " + strconv.Quote(pattern))
	}
	if _, err := b.state(start); err != nil {
		return nil, err
	}
	// States are numbered in discovery order, so walking the slice while
	// it grows is a breadth-first construction.
	for s := 1; s < len(d.next); s++ {
		for digit := range 10 {
			set := b.step(b.sets[s], rune('0'+digit))
			if set == nil && b.failed {
				return nil, errors.New("phone: pattern uses an assertion: " + strconv.Quote(pattern))
			}
			t, err := b.state(set)
			if err != nil {
				return nil, err
			}
			d.next[s][digit] = t
		}
	}
	d.memo = make([][]uint8, len(d.next))
	return d, nil
}

// start is the state before any digit.
func (d *digitDFA) start() int32 {
	if len(d.next) > 1 {
		return 1
	}
	return 0
}

// match reports whether the pattern accepts s, which must be ASCII digits.
func (d *digitDFA) match(s string) bool {
	st := d.start()
	for i := 0; i < len(s) && st != 0; i++ {
		st = d.next[st][s[i]-'0']
	}
	return d.accept[st]
}

// walk returns the state after the digits of s from state st.
func (d *digitDFA) walk(st int32, s string) int32 {
	for i := 0; i < len(s) && st != 0; i++ {
		st = d.next[st][s[i]-'0']
	}
	return st
}

// outcomes says whether some / every continuation of exactly n more digits
// from state st is accepted: someMatch|someMiss means the pattern's answer
// depends on those digits.
func (d *digitDFA) outcomes(st int32, n int) uint8 {
	if st == 0 {
		return someMiss
	}
	if n == 0 {
		if d.accept[st] {
			return someMatch
		}
		return someMiss
	}
	m := d.memo[st]
	if len(m) <= n {
		m = append(m, make([]uint8, n+1-len(m))...)
		d.memo[st] = m
	}
	if m[n] != 0 {
		return m[n]
	}
	var out uint8
	for digit := range 10 {
		out |= d.outcomes(d.next[st][digit], n-1)
		if out == someMatch|someMiss {
			break
		}
	}
	d.memo[st][n] = out
	return out
}

// dfaBuilder runs the subset construction over a regexp/syntax program.
type dfaBuilder struct {
	prog   *syntax.Prog
	dfa    *digitDFA
	index  map[string]int32 // key of a thread set -> state
	sets   [][]uint32       // state -> its thread set (consuming instructions)
	mark   []uint32         // mark[pc] == gen: pc already visited while building one set
	gen    uint32
	failed bool // an assertion was met during the last step
}

// state returns the number of the state for set, adding it if new.
func (b *dfaBuilder) state(set []uint32) (int32, error) {
	key := setKey(set)
	if s, ok := b.index[key]; ok {
		return s, nil
	}
	if len(b.dfa.next) >= maxDFAStates {
		return 0, errDFATooBig
	}
	for len(b.sets) < len(b.dfa.next) {
		b.sets = append(b.sets, nil) // keep sets aligned with states (dead state)
	}
	s := int32(len(b.dfa.next))
	b.index[key] = s
	b.sets = append(b.sets, set)
	accept := false
	for _, pc := range set {
		if b.prog.Inst[pc].Op == syntax.InstMatch {
			accept = true
		}
	}
	b.dfa.next = append(b.dfa.next, [10]int32{})
	b.dfa.accept = append(b.dfa.accept, accept)
	return s, nil
}

// step feeds r to every thread of set and returns the closure of the
// threads that consume it.
func (b *dfaBuilder) step(set []uint32, r rune) []uint32 {
	var out []uint32
	b.failed = false
	b.gen++
	for _, pc := range set {
		inst := &b.prog.Inst[pc]
		if inst.Op == syntax.InstMatch || !consumes(inst, r) {
			continue
		}
		var ok bool
		if out, ok = b.closure(out, inst.Out); !ok {
			b.failed = true
			return nil
		}
	}
	slices.Sort(out)
	return out
}

// closure adds to set the instructions reachable from pc without consuming
// input that either consume a rune or match. It reports false on an
// empty-width assertion, which the automaton does not model. Instructions
// already visited in this generation are skipped, which also stops at the
// loops of star and plus.
func (b *dfaBuilder) closure(set []uint32, pc uint32) ([]uint32, bool) {
	if b.mark[pc] == b.gen {
		return set, true
	}
	b.mark[pc] = b.gen
	inst := &b.prog.Inst[pc]
	switch inst.Op {
	case syntax.InstAlt, syntax.InstAltMatch:
		set, ok := b.closure(set, inst.Out)
		if !ok {
			return set, false
		}
		return b.closure(set, inst.Arg)
	case syntax.InstCapture, syntax.InstNop:
		return b.closure(set, inst.Out)
	case syntax.InstFail:
		return set, true
	case syntax.InstEmptyWidth:
		return set, false
	default: // InstMatch and the rune instructions
		return append(set, pc), true
	}
}

func consumes(inst *syntax.Inst, r rune) bool {
	switch inst.Op {
	case syntax.InstRune:
		return inst.MatchRune(r)
	case syntax.InstRune1:
		return r == inst.Rune[0]
	case syntax.InstRuneAny:
		return true
	case syntax.InstRuneAnyNotNL:
		return r != '\n'
	}
	return false
}

func setKey(set []uint32) string {
	b := make([]byte, 0, 4*len(set))
	for _, pc := range set {
		b = append(b, byte(pc), byte(pc>>8), byte(pc>>16), byte(pc>>24))
	}
	return string(b)
}
