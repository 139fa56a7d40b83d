package inspector

import "slices"

// WithRules returns an inspector that checks with its own rules plus the word lists of extra:
// the typo pairs, wording rules and leaders' terms an administrator added without a release.
// The receiver is left as it is, so a worker keeps its base inspector and compiles a new one
// only when the added entries change.
func (in *Inspector) WithRules(extra Rules) *Inspector {
	r := in.words.rules
	r.Typos = append(slices.Clip(r.Typos), extra.Typos...)
	r.Wording = append(slices.Clip(r.Wording), extra.Wording...)
	r.Leaders = append(slices.Clip(r.Leaders), extra.Leaders...)
	r.Offices = append(slices.Clip(r.Offices), extra.Offices...)
	c := *in
	c.words = compileWords(r)
	return &c
}
