package inspector

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"time"
)

// A daily round is incremental: it starts from what the last round kept of every URL (a
// PageState: the validators the server sent, a fingerprint of the page, and what the checks
// found on it, never its text) and asks the site only for what may have changed:
//
//   - the homepage, always and whole (its footer marks are read from its text);
//   - the pages new to the round, and the URLs of the last round that were broken (fixed yet?);
//   - the list pages (a column, the homepage's blocks: where new information appears), with
//     If-None-Match / If-Modified-Since, so that an unchanged one costs a 304 and no reading;
//   - every URL whose link appears on, or went from, a list page that changed, or whose entry
//     there changed (a new headline or date): a new article, an edited one, a removed one
//     (which then answers 404 and is the dead link of each unchanged page still linking to it).
//     Only a page the last round read tells of changes so: a new page's links to known URLs
//     are no news of them, and unchanged entries of a changed list are none either.
//
// Everything else is carried over from its PageState: an article's typos, wordings, personal
// data, links, metadata and 一稿多发 signature; a link's status. The findings are then judged
// over the whole site as in a full round. What an incremental round cannot see is a page edited
// in place whose entry in every list stayed the same, or an outside link that died since: the
// weekly full round sees those.

// PageState is what a round keeps of one URL for the next round. Record is opaque to the
// caller (the store keeps it as it is).
type PageState struct {
	URL          string
	ETag         string
	LastModified string
	Page         bool   // read as a page of the site, not only checked as a link
	Fingerprint  string // of the page's content, links and findings as the checks see them; of a link's result
	Record       []byte
	FetchedAt    time.Time // when the URL was last asked for
	ChangedAt    time.Time // when its fingerprint (or status) last changed
	// Unchanged: the state is the one the round was given for the URL, field for field (most
	// of a daily round's), so the store need only note that the round saw it.
	Unchanged bool
}

// sameAs: the state is o, field for field (Unchanged aside).
func (s *PageState) sameAs(o *PageState) bool {
	return s.URL == o.URL && s.Page == o.Page && s.ETag == o.ETag && s.LastModified == o.LastModified &&
		s.Fingerprint == o.Fingerprint && bytes.Equal(s.Record, o.Record) &&
		s.FetchedAt.Equal(o.FetchedAt) && s.ChangedAt.Equal(o.ChangedAt)
}

// keptVisit is a visit's part in an incremental round.
type keptVisit struct {
	deferred     bool // not asked for yet: carried over unless something says to ask
	ask          bool // asked for whatever its state
	notModified  bool // answered 304
	carried      bool // not asked for: its result is the last round's
	etag         string
	lastModified string
}

// carried is a page known from its state rather than its text.
type carried struct {
	digest *pageDigest
}

// sinceLast is an incremental round's view of the last round; a full round's holds only prev,
// for the states' dates (keepDates), and is not on.
type sinceLast struct {
	on       bool
	prev     map[string]*prevURL
	dirty    map[string]bool // URLs to ask for: their links on a list page changed
	deferred []*visit
}

type prevURL struct {
	state    PageState
	record   stateRecord
	rehashed bool // the record as read had its figures in clear (hashClearFigures)
}

// hub: a page where new information appears (a column, a list), asked for in every round.
// An article's 相关阅读 is one dated link, not a list. A page that says it is empty (暂无信息,
// an empty list) is asked for as a column that may have filled in place, unless it is a page of
// text: an article that mentions 建设中 is no blank column (columnShape judges a text page before
// its emptiness), and an article edited in place is what a daily round does not see.
func (p *prevURL) hub() bool {
	d := p.record.Page
	if d == nil {
		return false
	}
	blank := (d.Empty || d.EmptyList) && d.Facts.Runes < articleRunes
	return p.record.Column || len(d.Items) >= minListEntries || d.ListEntries >= minListEntries ||
		blank || d.Unjudged != ""
}

func (p *prevURL) broken() bool {
	return p.record.Err != "" || p.record.Status >= 400 || p.record.Status == 0 && p.record.Page == nil
}

// InspectIncremental is Inspect as a daily round: prev is what the last round kept
// (Result.States). With no prev it is a full round.
func (in *Inspector) InspectIncremental(ctx context.Context, site Site, prev []PageState) (*Result, error) {
	return in.inspect(ctx, site, prev, true)
}

func (r *round) startIncremental(prev []PageState) {
	if len(prev) == 0 {
		return
	}
	r.since = sinceLast{on: true, prev: make(map[string]*prevURL, len(prev)), dirty: map[string]bool{}}
	for _, s := range prev {
		p := &prevURL{state: s}
		if decodeRecord(s.Record, &p.record) != nil {
			continue // unreadable: the URL is asked for as a new one
		}
		p.rehashed = p.record.hashClearFigures(r.in.cfg.FigureKey)
		r.since.prev[s.URL] = p
	}
}

// keepDates gives a full round the last round's states for their dates alone (states): the
// round asks for every URL as if it had none.
func (r *round) keepDates(prev []PageState) {
	if len(prev) == 0 {
		return
	}
	r.since.prev = make(map[string]*prevURL, len(prev))
	for _, s := range prev {
		s.Record = nil
		r.since.prev[s.URL] = &prevURL{state: s}
	}
}

func (r *round) isStart(u *url.URL) bool {
	k := u.String()
	for _, s := range r.starts {
		if s.String() == k {
			return true
		}
	}
	return false
}

// deferVisit holds back a visit the last round's state can answer for.
func (r *round) deferVisit(v *visit) bool {
	if !r.since.on || v.kept.ask {
		return false
	}
	key := v.url.String()
	p := r.since.prev[key]
	if p == nil || p.hub() || p.broken() || r.isStart(v.url) || v.crawl != (p.record.Page != nil) {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.since.dirty[key] {
		return false
	}
	v.kept.deferred = true
	r.since.deferred = append(r.since.deferred, v)
	return true
}

// settle ends an incremental round: the held-back visits that a changed page now points to
// are asked for, until no more are; the rest are carried over, with their links.
func (r *round) settle() {
	for r.since.on && r.ctx.Err() == nil {
		r.mu.Lock()
		var ask, keep []*visit
		for _, v := range r.since.deferred {
			if r.since.dirty[v.url.String()] {
				ask = append(ask, v)
			} else {
				keep = append(keep, v)
			}
		}
		if len(ask) > 0 {
			r.since.deferred = keep
			for _, v := range ask {
				v.kept = keptVisit{ask: true}
				r.enqueue(v)
			}
			r.mu.Unlock()
			r.pending.Wait()
			continue
		}
		r.since.deferred = nil
		r.mu.Unlock()
		if len(keep) == 0 {
			return
		}
		for _, v := range keep {
			r.carry(v)
		}
		r.pending.Wait()
	}
}

// carry takes a visit's result from the last round's state.
func (r *round) carry(v *visit) {
	p := r.since.prev[v.url.String()]
	v.kept = keptVisit{carried: true, etag: p.state.ETag, lastModified: p.state.LastModified}
	v.res = fetchResult{Status: p.record.Status, Err: p.record.Err, Bad: p.record.Bad}
	if a := p.record.Attachment; a != nil {
		r.mu.Lock()
		if r.docs.files == nil {
			r.docs.files = map[string]*attachment{}
		}
		r.docs.files[v.url.String()] = a
		r.mu.Unlock()
	}
	if v.crawl {
		r.addPage(v, p.record.Page.info(v.url.String()))
	}
}

// pageRequest asks for a page, with the validators of the last round when the page has them
// (never the homepage: its marks are read from its text).
func (r *round) pageRequest(v *visit) (*http.Response, func(), error) {
	ctx, cancel := context.WithTimeout(r.ctx, r.in.cfg.Timeout)
	req, err := newRequest(ctx, http.MethodGet, v.url.String(), r.in.cfg.UserAgent)
	if err != nil {
		cancel()
		return nil, nil, err
	}
	if p := r.since.prev[v.url.String()]; p != nil && p.record.Page != nil && v.url.String() != r.home.String() {
		if p.state.ETag != "" {
			req.Header.Set("If-None-Match", p.state.ETag)
		}
		if p.state.LastModified != "" {
			req.Header.Set("If-Modified-Since", p.state.LastModified)
		}
	}
	resp, err := r.client.Do(req)
	if err != nil {
		cancel()
		return nil, nil, err
	}
	v.kept.etag, v.kept.lastModified = resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	return resp, func() { resp.Body.Close(); cancel() }, nil
}

// notModified: the page answered 304 to the last round's validators.
func (r *round) notModified(v *visit, resp *http.Response) bool {
	if resp.StatusCode != http.StatusNotModified {
		return false
	}
	p := r.since.prev[v.url.String()]
	if p == nil || p.record.Page == nil {
		v.res = fetchResult{Err: "HTTP 304 without a request for it"}
		return true
	}
	v.res = fetchResult{Status: p.record.Status}
	v.kept.notModified = true
	if v.kept.etag == "" {
		v.kept.etag = p.state.ETag
	}
	if v.kept.lastModified == "" {
		v.kept.lastModified = p.state.LastModified
	}
	return true
}

func (r *round) carriedPage(v *visit) *pageInfo {
	return r.since.prev[v.url.String()].record.Page.info(v.url.String())
}

// noteChange marks the links a changed page added, dropped or re-titled, for asking.
func (r *round) noteChange(v *visit, info *pageInfo) {
	if !r.since.on || v.kept.notModified || info.carried != nil {
		return
	}
	now := entries(info.Links, info.Items)
	p := r.since.prev[v.url.String()]
	if p == nil || p.record.Page == nil {
		// A page new to the round (or read for the first time): its links are no news of their
		// targets. A target the last round knew is carried over like any other, and one it did
		// not know is asked for anyway.
		return
	}
	was := entries(p.record.Page.Links, p.record.Page.Items)
	r.mu.Lock()
	defer r.mu.Unlock()
	for t, e := range now {
		if was[t] != e {
			r.since.dirty[t] = true
		}
	}
	for t := range was {
		if _, ok := now[t]; !ok {
			r.since.dirty[t] = true
		}
	}
}

// entries is each link target of a page with what the page says of it (texts and dates).
func entries(links []pageLink, items []datedItem) map[string]string {
	out := map[string]string{}
	for _, l := range links {
		out[l.Target] += l.Text + "\x00" + l.Hidden + "\x00"
	}
	for _, it := range items {
		out[it.Target] += it.Date.Format(time.DateOnly) + "\x00"
	}
	return out
}
