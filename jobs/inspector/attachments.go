package inspector

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"zhaocuo/models/indicator"
)

// Attachments of the site (PDF, DOCX, XLSX, and WPS files saved in those formats) are read
// for personal data, in the crawl's workers, within bounds: a hostile file costs no more
// than these, and a broken one is a note on the site, never a crash. Old DOC and XLS files
// (OLE compound documents) are not read: no maintained Go library reads them (the one XLS
// reader has had no release since 2022, and there is none for DOC); they are counted in one
// note. Attachments on other hosts are only checked for being alive, as before.
const (
	maxAttachmentBytes      = 20 << 20  // as downloaded
	maxAttachmentUnzipped   = 100 << 20 // a DOCX's or XLSX's parts, or a PDF's streams, inflated
	maxAttachmentZipParts   = 2000
	maxAttachmentText       = 8 << 20 // text kept for the scan
	maxPDFPages             = 200
	maxSheetRows            = 50000
	maxSheets               = 50
	maxSharedStringsAttach  = 1_000_000
	maxPDFNesting           = 200 // arrays and dictionaries within each other
	attachmentTimeLimit     = 20 * time.Second
	maxAttachmentsPerRound  = 300
	maxAttachmentRoundBytes = 600 << 20
)

// attachmentExts are the extensions fetched and read; the format is told by the file's
// first bytes, since a .wps may be a DOCX and a .doc may be anything.
var attachmentExts = map[string]bool{".pdf": true, ".docx": true, ".xlsx": true, ".xlsm": true,
	".wps": true, ".et": true, ".doc": true, ".xls": true}

// attachment is what reading one attachment found.
type attachment struct {
	Personal   *personalScan
	Unreadable string // why it could not be read: a note on the site
	Unchecked  string // why it was not read (old format, too large, the round's budget)
}

// attachmentRound is a round's attachments and what is left of its budget; guarded by round.mu.
type attachmentRound struct {
	files map[string]*attachment // by URL
	count int
	bytes int64
	// readers holds a slot for each reader running, until it really returns: a reader the time
	// limit gave up on still runs (Go cannot stop a goroutine), so hostile files can keep at
	// most maxAttachmentReaders of them busy per round, never one per file.
	readers chan struct{}
}

const maxAttachmentReaders = 2

// checkDocument checks a document of the site; an attachment it can read is downloaded and
// read for personal data instead of being asked for with HEAD.
func (r *round) checkDocument(u *url.URL) fetchResult {
	if !attachmentExts[strings.ToLower(path.Ext(u.Path))] {
		return r.check(u, true)
	}
	a := &attachment{}
	r.mu.Lock()
	if r.docs.files == nil {
		r.docs.files = map[string]*attachment{}
	}
	r.docs.files[u.String()] = a
	if r.docs.readers == nil {
		r.docs.readers = make(chan struct{}, maxAttachmentReaders)
	}
	readers := r.docs.readers
	over := r.docs.count >= maxAttachmentsPerRound || r.docs.bytes >= maxAttachmentRoundBytes
	if !over {
		r.docs.count++
	}
	r.mu.Unlock()
	if over {
		a.Unchecked = "超出本轮附件数量或大小上限"
		return r.check(u, true)
	}
	ctx, cancel := context.WithTimeout(r.ctx, attachmentTimeLimit)
	defer cancel()
	resp, done, err := r.in.request(ctx, r.client, http.MethodGet, u.String())
	if err != nil {
		return r.failure(err) // a dead link, reported as one
	}
	defer done()
	res := fetchResult{Status: resp.StatusCode}
	if resp.StatusCode >= 400 {
		if why := readChallenge(resp); why != "" {
			res.Skipped = r.challengeSkip(why)
		}
		return res
	}
	if resp.ContentLength > maxAttachmentBytes {
		a.Unchecked = fmt.Sprintf("超过%d MB", maxAttachmentBytes>>20)
		return res
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAttachmentBytes+1))
	r.mu.Lock()
	r.docs.bytes += int64(len(data))
	r.mu.Unlock()
	switch {
	case err != nil && ctx.Err() != nil && r.ctx.Err() == nil:
		a.Unreadable = fmt.Sprintf("下载超过%d秒", int(attachmentTimeLimit/time.Second))
		return res
	case err != nil:
		a.Unchecked = "下载中断"
		return res
	case len(data) > maxAttachmentBytes:
		a.Unchecked = fmt.Sprintf("超过%d MB", maxAttachmentBytes>>20)
		return res
	}
	select {
	case readers <- struct{}{}:
	case <-ctx.Done():
		a.Unchecked = "等待读取超时"
		return res
	}
	text, err := readAttachment(ctx, data, func() { <-readers })
	switch {
	case errors.Is(err, errOldFormat):
		a.Unchecked = "旧版DOC/XLS格式"
	case errors.Is(err, errNotDocument):
		// A page or picture under a document's name: nothing to read.
	case err != nil:
		a.Unreadable = err.Error()
	default:
		a.Personal = scanPersonal(text, r.in.cfg.Now())
	}
	return res
}

var (
	errOldFormat   = errors.New("旧版DOC/XLS格式")
	errNotDocument = errors.New("不是PDF或Office文档")
)

// readAttachment returns the text of a PDF, DOCX or XLSX held in memory, within ctx's time:
// the reader runs in its own goroutine so that a file that sends a reader into a loop costs
// the worker only the time limit, and a panic in a reader is an error, not a crash. release
// is called once the reader has really returned, which may be after readAttachment has.
func readAttachment(ctx context.Context, data []byte, release func()) (string, error) {
	var read func(context.Context, []byte) (string, error)
	switch {
	case bytes.HasPrefix(data, []byte("%PDF")) || bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-")):
		read = readPDF
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		read = readOfficeZip
	case bytes.HasPrefix(data, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")):
		release()
		return "", errOldFormat
	default:
		release()
		return "", errNotDocument
	}
	type result struct {
		text string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		defer release()
		defer func() {
			if p := recover(); p != nil {
				done <- result{err: fmt.Errorf("文件结构错误")}
			}
		}()
		text, err := read(ctx, data)
		done <- result{text, err}
	}()
	select {
	case res := <-done:
		return res.text, res.err
	case <-ctx.Done():
		return "", fmt.Errorf("读取超过%d秒", int(attachmentTimeLimit/time.Second))
	}
}

// limitedText collects text up to maxAttachmentText.
type limitedText struct {
	strings.Builder
}

func (t *limitedText) add(s string) bool {
	if t.Len()+len(s) > maxAttachmentText {
		return false
	}
	t.WriteString(s)
	return true
}

// attachmentFindings reports the attachments with personal data, one finding each on the first
// page that links to it; an attachment that could not be read is a note; the ones not read at
// all are counted in one note.
func (r *round) attachmentFindings() []Finding {
	linkedFrom := map[string]string{}
	pages := make([]string, 0, len(r.pages))
	for p := range r.pages {
		pages = append(pages, p)
	}
	slices.Sort(pages)
	for _, p := range pages {
		for _, l := range r.pages[p].Links {
			if _, ok := linkedFrom[l.Target]; !ok {
				linkedFrom[l.Target] = p
			}
		}
	}
	targets := make([]string, 0, len(r.docs.files))
	for t := range r.docs.files {
		targets = append(targets, t)
	}
	slices.Sort(targets)
	var out []Finding
	unchecked := map[string]int{}
	for _, t := range targets {
		a, page := r.docs.files[t], linkedFrom[t]
		if page == "" {
			page = r.home.String()
		}
		switch {
		case !a.Personal.empty():
			out = append(out, personalFinding(page, t, "附件", a.Personal))
		case a.Unreadable != "":
			out = append(out, Finding{Type: indicator.TypeUnjudged, Page: page, Target: t, Warning: true,
				Indicator: indicator.Security, Evidence: "附件无法读取：" + a.Unreadable,
				Key: findingKey(indicator.TypeUnjudged, page, t, "附件无法读取")})
		case a.Unchecked != "":
			unchecked[a.Unchecked]++
		}
	}
	if len(unchecked) > 0 {
		var why []string
		total := 0
		for _, k := range slices.Sorted(mapKeys(unchecked)) {
			why = append(why, fmt.Sprintf("%s%d个", k, unchecked[k]))
			total += unchecked[k]
		}
		home := r.home.String()
		out = append(out, Finding{Type: indicator.TypeUnjudged, Page: home, Target: home, Warning: true,
			Indicator: indicator.Security, Evidence: fmt.Sprintf("%d个附件未检查个人信息：%s", total, strings.Join(why, "、")),
			Key: findingKey(indicator.TypeUnjudged, home, home, "附件未检查个人信息")})
	}
	return out
}

func mapKeys(m map[string]int) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// checkZip refuses an archive whose parts would inflate past maxAttachmentUnzipped together or
// that has too many of them; the declared sizes first, then each part inflated once through a
// reader that stops at what is left of the bound (jobs/accountsheet bounds an uploaded ledger
// the same way; it imports this package, so its checkUnzipped cannot be imported here).
func checkZip(zr *zip.Reader) error {
	if len(zr.File) > maxAttachmentZipParts {
		return fmt.Errorf("压缩部件超过%d个", maxAttachmentZipParts)
	}
	var declared uint64
	for _, f := range zr.File {
		if declared += f.UncompressedSize64; f.UncompressedSize64 > maxAttachmentUnzipped || declared > maxAttachmentUnzipped {
			return errUnzippedTooBig
		}
	}
	left := int64(maxAttachmentUnzipped)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return errors.New("压缩内容损坏")
		}
		n, err := io.Copy(io.Discard, io.LimitReader(rc, left+1))
		rc.Close()
		switch {
		case n > left:
			return errUnzippedTooBig
		case err != nil || uint64(n) != f.UncompressedSize64:
			return errors.New("压缩内容损坏")
		}
		left -= n
	}
	return nil
}

var errUnzippedTooBig = fmt.Errorf("解压后超过%d MB", maxAttachmentUnzipped>>20)

// readOfficeZip reads a DOCX or an XLSX (or a WPS file saved as one), told by its parts.
func readOfficeZip(ctx context.Context, data []byte) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", errors.New("压缩格式损坏")
	}
	if err := checkZip(zr); err != nil {
		return "", err
	}
	for _, f := range zr.File {
		switch f.Name {
		case "word/document.xml":
			return readDOCX(ctx, zr)
		case "xl/workbook.xml":
			return readXLSX(ctx, data, zr)
		}
	}
	return "", errNotDocument
}
