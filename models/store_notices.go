package models

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The workflow notices' pass (notices.go says who is told of what). It reads what happened past
// a cursor in each event table (ticket_events, rectification_events) and the account imports
// finished and not yet told, groups it by person and kind (a unit given 200 tickets at once hears
// of them in one notice), and writes the notifications, the e-mails and the group robots' posts
// in the transaction that moves the cursors: run twice, it tells nothing twice; a task lost with
// Redis loses nothing, since the next pass (the reconciler runs one) reads from the cursor.
//
// MySQL hands out an auto-increment id when a row is inserted, not when it commits: a row may
// appear below ids already read. The pass keeps the ids it did not find below its mark as gaps
// and reads them again each time until they fill, or for noticeGapWait (no transaction that
// writes an event stays open that long; one that rolled back leaves its ids empty for good).

// noticeBatch is how many rows of each source one pass reads at most: a burst larger than that
// comes as one notice per pass.
const noticeBatch = 5000

// noticeGapWait is how long ids left empty below the mark are looked for again.
const noticeGapWait = 10 * time.Minute

// maxNoticeGaps bounds the gaps kept per source, the oldest given up first.
const maxNoticeGaps = 200

// The event tables the notices read past a cursor.
const (
	sourceTicketEvents   = "ticket_events"
	sourceRectifications = "rectification_events"
)

type noticeCursor struct {
	Source string
	LastID int64
	Gaps   string // JSON of []idGap
}

func (noticeCursor) TableName() string { return "notice_cursors" }

// idGap is a range of ids found empty below the mark, since when.
type idGap struct {
	From  int64     `json:"from"`
	To    int64     `json:"to"`
	Since time.Time `json:"since"`
}

// sourceRead is what a pass read of one source: where its cursor goes, and the ids it found.
type sourceRead struct {
	cursor  noticeCursor
	gaps    []idGap
	ids     []int64
	full    bool // the batch was full: more may wait
	changed bool // the cursor moved, or its gaps changed
}

// noticeWhere is the condition of the rows past the cursor and in its gaps, on column id.
func noticeWhere(id string, last int64, gaps []idGap) (string, []any) {
	cond, args := id+" > ?", []any{last}
	for _, g := range gaps {
		cond += " OR " + id + " BETWEEN ? AND ?"
		args = append(args, g.From, g.To)
	}
	return "(" + cond + ")", args
}

// advance moves the cursor past what was read (ids, in order) and works out the gaps left:
// every id up to the last read that no row holds, and the old gaps not filled. Up to the last id
// read, everything committed has been seen (the rows came in id order); past it, nothing is
// known when the batch was full. It reports whether the cursor changed.
func (r *sourceRead) advance(now time.Time) bool {
	horizon := int64(1<<63 - 1)
	if r.full && len(r.ids) > 0 {
		horizon = r.ids[len(r.ids)-1]
	}
	var gaps []idGap
	// keep adds the empty ids of [from, to] as gaps seen since: those up to the horizon that no
	// row read holds, and those past it whole.
	keep := func(from, to int64, since time.Time) {
		next := from
		i, _ := slices.BinarySearch(r.ids, from)
		for ; i < len(r.ids) && r.ids[i] <= min(to, horizon); i++ {
			if r.ids[i] > next {
				gaps = append(gaps, idGap{From: next, To: r.ids[i] - 1, Since: since})
			}
			next = r.ids[i] + 1
		}
		if next <= to {
			gaps = append(gaps, idGap{From: next, To: to, Since: since})
		}
	}
	for _, g := range r.gaps {
		if now.Sub(g.Since) < noticeGapWait {
			keep(g.From, g.To, g.Since)
		}
	}
	last := r.cursor.LastID
	if n := len(r.ids); n > 0 && r.ids[n-1] > last {
		keep(last+1, r.ids[n-1], now)
		r.cursor.LastID = r.ids[n-1]
	}
	if len(gaps) > maxNoticeGaps {
		slices.SortStableFunc(gaps, func(a, b idGap) int { return b.Since.Compare(a.Since) })
		gaps = gaps[:maxNoticeGaps]
		slices.SortFunc(gaps, func(a, b idGap) int { return cmp.Compare(a.From, b.From) })
	}
	changed := r.cursor.LastID != last || !slices.Equal(gaps, r.gaps)
	r.gaps = gaps
	return changed
}

// noticeTicketEvent is a ticket event as the notices read it: with its ticket's number, the
// unit's name, and who wrote the reply (the one a rejection sends back).
type noticeTicketEvent struct {
	ID, TicketID    int64
	Kind, ActorRole string
	ActorID, UnitID *int64
	RegionID        *int64
	Reason          string
	Data            *string
	Deadline        *time.Time
	TicketNo        string
	UnitName        *string
	RepliedBy       *int64
	ToStatus        string
}

type noticeRectificationEvent struct {
	ID, RectificationID int64
	ActorID             *int64
	Status, Note        string
	UnitID, RegionID    int64
	UnitName            string
	CircularTitle       string
}

type noticeImport struct {
	ID                          int64
	Filename                    string
	ImportedBy                  *int64
	Status, Error               string
	Accounts, Refused, Findings int
}

// noticeReading is what one pass read: the things to tell, and where each source's cursor goes.
type noticeReading struct {
	things  []*noticeAbout
	sources []*sourceRead
	imports []int64
}

// readNotices reads, within tx, what happened past the cursors (and in their gaps) and the
// finished imports not yet told, and turns it into the things to tell. lock: the cursors are read
// for update, as the pass that moves them does.
func (s *Store) readNotices(tx *gorm.DB, now time.Time, lock bool) (*noticeReading, error) {
	q := tx.Where("source IN ?", []string{sourceTicketEvents, sourceRectifications, sourceAppeals}).Order("source")
	if lock {
		q = s.forUpdate(q)
	}
	var cursors []noticeCursor
	if err := q.Find(&cursors).Error; err != nil {
		return nil, err
	}
	out := &noticeReading{}
	for _, c := range cursors {
		r := &sourceRead{cursor: c}
		if err := json.Unmarshal([]byte(c.Gaps), &r.gaps); err != nil {
			r.gaps = nil // unreadable: the gaps are given up, the mark kept
		}
		out.sources = append(out.sources, r)
		switch c.Source {
		case sourceTicketEvents:
			if err := readTicketNotices(tx, r, out); err != nil {
				return nil, err
			}
		case sourceRectifications:
			if err := readRectificationNotices(tx, r, out); err != nil {
				return nil, err
			}
		case sourceAppeals:
			if err := readAppealNotices(tx, r, out); err != nil {
				return nil, err
			}
		}
		r.changed = r.advance(now)
	}
	var imps []noticeImport
	err := tx.Table("media_account_imports").Select("id, filename, imported_by, status, error, accounts, refused, findings").
		Where("notified_at IS NULL AND status IN ?", []string{ImportDone, ImportFailed}).Limit(noticeBatch).Scan(&imps).Error
	if err != nil {
		return nil, err
	}
	for _, imp := range imps {
		out.imports = append(out.imports, imp.ID)
		if t := importNotice(imp); t != nil {
			out.things = append(out.things, t)
		}
	}
	return out, nil
}

func readTicketNotices(tx *gorm.DB, r *sourceRead, out *noticeReading) error {
	where, args := noticeWhere("e.id", r.cursor.LastID, r.gaps)
	var rows []noticeTicketEvent
	err := tx.Table("ticket_events e").
		Select("e.id, e.ticket_id, e.kind, e.actor_role, e.actor_id, e.unit_id, e.region_id, e.reason, e.data, e.deadline, e.to_status, "+
			"t.ticket_no, t.replied_by, u.name AS unit_name").
		Joins("JOIN tickets t ON t.id = e.ticket_id").Joins("LEFT JOIN units u ON u.id = e.unit_id").
		Where(where, args...).Order("e.id").Limit(noticeBatch).Scan(&rows).Error
	if err != nil {
		return err
	}
	r.full = len(rows) == noticeBatch
	for i := range rows {
		r.ids = append(r.ids, rows[i].ID)
		if t := ticketNotice(&rows[i]); t != nil {
			out.things = append(out.things, t)
		}
	}
	return nil
}

func readRectificationNotices(tx *gorm.DB, r *sourceRead, out *noticeReading) error {
	where, args := noticeWhere("re.id", r.cursor.LastID, r.gaps)
	var rows []noticeRectificationEvent
	err := tx.Table("rectification_events re").
		Select("re.id, re.rectification_id, re.actor_id, re.status, re.note, x.unit_id, x.region_id, u.name AS unit_name, c.title AS circular_title").
		Joins("JOIN rectifications x ON x.id = re.rectification_id").Joins("JOIN units u ON u.id = x.unit_id").
		Joins("JOIN circulars c ON c.id = x.circular_id").
		Where(where, args...).Order("re.id").Limit(noticeBatch).Scan(&rows).Error
	if err != nil {
		return err
	}
	r.full = len(rows) == noticeBatch
	for i := range rows {
		r.ids = append(r.ids, rows[i].ID)
		if t := rectificationEventNotice(&rows[i]); t != nil {
			out.things = append(out.things, t)
		}
	}
	return nil
}

// ticketNotice is what a ticket event tells, and to whom; nil for an event nobody is told of.
func ticketNotice(e *noticeTicketEvent) *noticeAbout {
	id, no := e.TicketID, e.TicketNo
	t := &noticeAbout{ticketID: &id, link: "/staff/tickets/" + no, actorID: e.ActorID}
	unit := func(roles []string) noticeAudience {
		if e.UnitID == nil {
			return noticeAudience{}
		}
		return noticeAudience{unitID: *e.UnitID, roles: roles}
	}
	deadline := ""
	if e.Deadline != nil {
		deadline = e.Deadline.In(Shanghai).Format("2006-01-02")
	}
	unitName := ""
	if e.UnitName != nil {
		unitName = *e.UnitName
	}
	var data struct {
		Days           int      `json:"days"`
		PreviousUnitID *int64   `json:"previous_unit_id"`
		Rating         string   `json:"rating"`
		Reasons        []string `json:"reasons"`
	}
	if e.Data != nil {
		json.Unmarshal([]byte(*e.Data), &data)
	}
	days := data.Days
	opinion := ""
	if e.Reason != "" {
		opinion = "，意见：" + e.Reason
	}
	switch e.Kind {
	case EventReceived, EventAssigned, EventReleased, EventUnlinked, EventReopened:
		if e.ToStatus != StatusAssigned || e.UnitID == nil {
			return nil // in triage, or merged at receipt: not in a unit's inbox
		}
		t.kind, t.to, t.title = NoticeTicketNew, unit(unitStaff), "新留言："+no
		switch e.Kind {
		case EventReopened:
			t.title = "留言重新交办：" + no
			t.line = fmt.Sprintf("留言 %s 经留言人评价不满意，主管单位要求重新办理（%s），请于 %s 前答复。", no, e.Reason, deadline)
		case EventReleased, EventUnlinked:
			t.title = "留言恢复单独办理：" + no
			t.line = fmt.Sprintf("留言 %s 不再作为重复留言合并办理，请于 %s 前答复。", no, deadline)
		default:
			t.line = fmt.Sprintf("留言 %s 已交%s办理，请于 %s 前答复。", no, unitName, deadline)
		}
	case EventReplied:
		if eventReview(e.Data) == ReviewNotRequired {
			return nil // published at once: no reviewer waits for it
		}
		t.kind, t.to, t.title = NoticeReplyReview, unit(unitReviewers), "答复待审核："+no
		t.line = fmt.Sprintf("留言 %s 的答复已拟写，等待审核。", no)
	case EventReplyRejected:
		if e.RepliedBy == nil {
			return nil
		}
		t.kind, t.to, t.title = NoticeReplyReturned, noticeAudience{userID: *e.RepliedBy}, "答复被退回修改："+no
		t.line = fmt.Sprintf("留言 %s 的答复被退回修改，审核意见：%s", no, e.Reason)
	case EventUrged:
		if e.ActorRole != RoleSupervisor {
			return nil // the reminders' own 催办 went out as reminders
		}
		t.kind, t.to, t.title = NoticeUrged, unit(wholeUnit), "主管单位催办："+no
		t.line = fmt.Sprintf("主管单位催办留言 %s：%s", no, e.Reason)
	case EventReturnRequested, EventExtensionRequested:
		if e.RegionID == nil {
			return nil
		}
		t.kind, t.to = NoticeRequest, noticeAudience{nearRegion: *e.RegionID}
		if e.Kind == EventReturnRequested {
			t.title = "新的退回申请：" + no
			t.line = fmt.Sprintf("%s申请退回留言 %s，理由：%s", unitName, no, e.Reason)
		} else {
			t.title = "新的延期申请：" + no
			t.line = fmt.Sprintf("%s申请留言 %s 延期 %d 个工作日，理由：%s", unitName, no, days, e.Reason)
		}
	case EventReturned, EventReturnRefused, EventExtended, EventExtensionRefused:
		asked := e.UnitID
		if e.Kind == EventReturned {
			asked = data.PreviousUnitID // the ticket has left the unit that asked
		}
		if asked == nil {
			return nil
		}
		t.kind, t.to = NoticeRequestDecided, noticeAudience{unitID: *asked, roles: wholeUnit}
		switch e.Kind {
		case EventReturned:
			t.title, t.line = "同意退回："+no, fmt.Sprintf("主管单位同意退回留言 %s%s。", no, opinion)
			t.link = "/staff/tickets" // the ticket is no longer the unit's to open
		case EventReturnRefused:
			t.title, t.line = "不同意退回："+no, fmt.Sprintf("主管单位不同意退回留言 %s，请继续办理%s。", no, opinion)
		case EventExtended:
			t.title, t.line = "同意延期："+no, fmt.Sprintf("主管单位同意留言 %s 延期 %d 个工作日，答复期限延至 %s%s。", no, days, deadline, opinion)
		default:
			t.title, t.line = "不同意延期："+no, fmt.Sprintf("主管单位不同意留言 %s 延期，请于 %s 前答复%s。", no, deadline, opinion)
		}
	case EventDeadlineRecounted:
		var moved struct {
			Earlier     bool      `json:"earlier"`
			OldDeadline time.Time `json:"old_deadline"`
		}
		if e.Data != nil {
			json.Unmarshal([]byte(*e.Data), &moved)
		}
		if !moved.Earlier { // a later deadline asks nothing of the unit: the ticket page shows it
			return nil
		}
		t.kind, t.to, t.title = NoticeDeadlineEarly, unit(wholeUnit), "答复期限提前："+no
		t.line = fmt.Sprintf("因节假日安排调整，留言 %s 的答复期限由 %s 提前至 %s。", no, moved.OldDeadline.In(Shanghai).Format("2006-01-02"), deadline)
	case EventRated:
		if data.Rating != RatingUnhappy || e.RegionID == nil {
			return nil
		}
		t.kind, t.to, t.title = NoticeUnhappy, noticeAudience{nearRegion: *e.RegionID}, "留言人不满意："+no
		why := ""
		if len(data.Reasons) > 0 {
			why = "（" + strings.Join(data.Reasons, "、") + "）"
		}
		t.line = fmt.Sprintf("留言人对留言 %s（%s）的答复评价为不满意%s，可重新交办。", no, unitName, why)
	case EventFollowedUp:
		if e.UnitID == nil {
			return nil
		}
		// The question is the reporter's own words: it is read on the ticket's page, never sent.
		t.kind, t.to, t.title = NoticeFollowUp, unit(wholeUnit), "留言人追问："+no
		t.line = fmt.Sprintf("留言人对留言 %s 的答复不满意并追问，请在留言页面查看追问内容；是否重新办理由主管单位决定。", no)
	default:
		return nil
	}
	return t
}

// rectificationEventNotice is what a rectification event tells, and to whom (the opening's 整改通知 is
// written with it).
func rectificationEventNotice(e *noticeRectificationEvent) *noticeAbout {
	t := &noticeAbout{link: "/staff/rectifications/" + strconv.FormatInt(e.RectificationID, 10), actorID: e.ActorID}
	switch e.Status {
	case RectifySubmitted:
		t.kind, t.to, t.title = NoticeRectifyReport, noticeAudience{ofRegion: e.RegionID}, "整改报告待审核："+e.UnitName
		t.line = fmt.Sprintf("%s提交了《%s》的整改报告，请审核。", e.UnitName, e.CircularTitle)
	case RectifyAccepted:
		t.kind, t.to, t.title = NoticeRectifyDecided, noticeAudience{unitID: e.UnitID, roles: wholeUnit}, "整改报告已通过"
		t.line = fmt.Sprintf("《%s》的整改报告已通过审核。", e.CircularTitle)
		if e.Note != "" {
			t.line = fmt.Sprintf("《%s》的整改报告已通过审核，意见：%s", e.CircularTitle, e.Note)
		}
	case RectifyReturned:
		t.kind, t.to, t.title = NoticeRectifyDecided, noticeAudience{unitID: e.UnitID, roles: wholeUnit}, "整改报告被退回"
		t.line = fmt.Sprintf("《%s》的整改报告被退回，请修改后重新提交：%s", e.CircularTitle, e.Note)
	default:
		return nil
	}
	return t
}

// importNotice tells the importer that the check of their sheet ended.
func importNotice(imp noticeImport) *noticeAbout {
	if imp.ImportedBy == nil {
		return nil
	}
	t := &noticeAbout{kind: NoticeImportFinished, to: noticeAudience{userID: *imp.ImportedBy},
		link: "/staff/inspection/imports/" + strconv.FormatInt(imp.ID, 10)}
	if imp.Status == ImportFailed {
		t.title = "新媒体账号导入失败：" + imp.Filename
		t.line = fmt.Sprintf("「%s」导入失败：%s", imp.Filename, imp.Error)
		return t
	}
	t.title = "新媒体账号导入完成：" + imp.Filename
	t.line = fmt.Sprintf("「%s」的 %d 个账号已检查完毕，发现问题 %d 个。", imp.Filename, imp.Accounts-imp.Refused, imp.Findings)
	if imp.Refused > 0 {
		t.line += fmt.Sprintf("另有 %d 个账号不在管辖范围内，未导入。", imp.Refused)
	}
	return t
}

// WriteNotices runs one pass of the workflow notices: in one transaction, it reads what happened
// past the cursors, writes each person's notices (one per kind, with the count, however many
// things), their e-mails and the group robots' posts as people chose (NoticeChoices), and moves
// the cursors past it. It returns what it wrote, and whether a source had more than one pass
// reads (the caller runs another).
func (s *Store) WriteNotices(ctx context.Context) (*NoticesWritten, bool, error) {
	now := s.now()
	out := &NoticesWritten{}
	more := false
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		*out, more = NoticesWritten{}, false
		read, err := s.readNotices(tx, now, true)
		if err != nil {
			return err
		}
		w := &notifier{tx: tx, now: now, email: s.opt.Email}
		if len(read.things) > 0 {
			notes, sends, err := planNotices(tx, read.things, w)
			if err != nil {
				return err
			}
			if err := w.write(notes, sends); err != nil {
				return err
			}
			out.Notifications, out.Deliveries = len(notes), w.deliveries
		}
		for _, r := range read.sources {
			more = more || r.full
			if !r.changed {
				continue
			}
			gaps, _ := json.Marshal(r.gaps)
			if r.gaps == nil {
				gaps = []byte("[]")
			}
			err := tx.Model(&noticeCursor{}).Where("source = ?", r.cursor.Source).
				Updates(map[string]any{"last_id": r.cursor.LastID, "gaps": string(gaps)}).Error
			if err != nil {
				return err
			}
		}
		if len(read.imports) > 0 {
			more = more || len(read.imports) == noticeBatch
			return tx.Table("media_account_imports").Where("id IN ?", read.imports).Update("notified_at", now).Error
		}
		return nil
	})
	if err != nil {
		return nil, false, translate(err, "write notices")
	}
	return out, more, nil
}

// PendingNotices counts the things the next pass would tell: what happened past the cursors
// and the finished imports not yet told. It only reads.
func (s *Store) PendingNotices(ctx context.Context) (int, error) {
	read, err := s.readNotices(s.db.WithContext(ctx), s.now(), false)
	if err != nil {
		return 0, translate(err, "pending notices")
	}
	return len(read.things), nil
}

// planNotices works out who is told of the things and how: each person (never the one who did
// it) gets one notice of each kind, in-app, and by e-mail as they chose; each unit's or region's
// group robot gets one post of each kind, when anyone it would be posted for chose it. It reads
// the recipients, their choices and the robots in a few statements, whatever the number of things.
func planNotices(tx *gorm.DB, things []*noticeAbout, w *notifier) ([]Notification, []Delivery, error) {
	var units, people, near, of []int64
	for _, t := range things {
		switch a := t.to; {
		case a.unitID != 0:
			units = append(units, a.unitID)
		case a.userID != 0:
			people = append(people, a.userID)
		case a.nearRegion != 0:
			near = append(near, a.nearRegion)
		case a.ofRegion != 0:
			of = append(of, a.ofRegion)
		}
	}
	ladder, err := loadSupervisorLadder(tx, near)
	if err != nil {
		return nil, nil, err
	}
	var staff []User
	if len(units)+len(people)+len(of) > 0 {
		err := tx.Where("disabled = ? AND (unit_id IN ? OR id IN ? OR (role = ? AND region_id IN ?))", false, units, people, RoleSupervisor, of).
			Order("id").Find(&staff).Error
		if err != nil {
			return nil, nil, err
		}
	}
	recipients := func(a noticeAudience) []User {
		var out []User
		switch {
		case a.unitID != 0:
			for _, u := range staff {
				if u.UnitID != nil && *u.UnitID == a.unitID && slices.Contains(a.roles, u.Role) {
					out = append(out, u)
				}
			}
		case a.userID != 0:
			for _, u := range staff {
				if u.ID == a.userID {
					out = append(out, u)
				}
			}
		case a.nearRegion != 0:
			_, out = ladder.at(a.nearRegion, 1)
		case a.ofRegion != 0:
			for _, u := range staff {
				if u.Role == RoleSupervisor && u.RegionID != nil && *u.RegionID == a.ofRegion {
					out = append(out, u)
				}
			}
		}
		return out
	}

	// Who gets what: things by person and kind, and by group robot and kind.
	type personKind struct {
		user User
		kind string
	}
	type ownerKind struct {
		unit, region int64
		kind         string
	}
	byPerson := map[int64]map[string][]*noticeAbout{}
	var order []personKind
	byOwner := map[ownerKind][]*noticeAbout{}
	wanted := map[ownerKind][]int64{} // the people a post would be for
	var owners []ownerKind
	var ids []int64
	for _, t := range things {
		for _, u := range recipients(t.to) {
			if t.actorID != nil && *t.actorID == u.ID {
				continue // never told of their own doing
			}
			if byPerson[u.ID] == nil {
				byPerson[u.ID] = map[string][]*noticeAbout{}
				ids = append(ids, u.ID)
			}
			if byPerson[u.ID][t.kind] == nil {
				order = append(order, personKind{u, t.kind})
			}
			byPerson[u.ID][t.kind] = append(byPerson[u.ID][t.kind], t)
			o := ownerKind{kind: t.kind}
			switch {
			case u.UnitID != nil:
				o.unit = *u.UnitID
			case u.RegionID != nil:
				o.region = *u.RegionID
			default:
				continue
			}
			if _, ok := byOwner[o]; !ok {
				owners = append(owners, o)
			}
			if !slices.Contains(byOwner[o], t) {
				byOwner[o] = append(byOwner[o], t)
			}
			if !slices.Contains(wanted[o], u.ID) {
				wanted[o] = append(wanted[o], u.ID)
			}
		}
	}
	if len(order) == 0 {
		return nil, nil, nil
	}
	choices, err := noticeChoicesOf(tx, ids)
	if err != nil {
		return nil, nil, err
	}
	var hookUnits, hookRegions []int64
	for _, o := range owners {
		if o.unit != 0 {
			hookUnits = append(hookUnits, o.unit)
		} else {
			hookRegions = append(hookRegions, o.region)
		}
	}
	var hooks []Webhook
	if err := tx.Where("unit_id IN ? OR region_id IN ?", hookUnits, hookRegions).Order("id").Find(&hooks).Error; err != nil {
		return nil, nil, err
	}

	var notes []Notification
	var sends []Delivery
	for _, pk := range order {
		kind, _ := noticeKindOf(pk.kind)
		m, about := noticeMessage(kind, byPerson[pk.user.ID][pk.kind])
		notes = append(notes, w.note(about, pk.user.ID, m))
		if w.email && pk.user.Email != "" && choices.of(pk.user.ID, kind).Email {
			sends = append(sends, w.delivery(about, ChannelEmail, pk.user.Email, m))
		}
	}
	for _, o := range owners {
		kind, _ := noticeKindOf(o.kind)
		if !slices.ContainsFunc(wanted[o], func(id int64) bool { return choices.of(id, kind).Webhook }) {
			continue
		}
		m, about := noticeMessage(kind, byOwner[o])
		for _, h := range hooks {
			if o.unit != 0 && h.UnitID != nil && *h.UnitID == o.unit || o.region != 0 && h.RegionID != nil && *h.RegionID == o.region {
				sends = append(sends, w.delivery(about, ChannelWebhook, h.URL, m))
			}
		}
	}
	return notes, sends, nil
}

// noticePreference is a stored choice of a person for one kind.
type noticePreference struct {
	UserID    int64
	Kind      string
	Email     bool
	Webhook   bool
	UpdatedAt time.Time
}

func (noticePreference) TableName() string { return "notice_preferences" }

// storedChoices are people's stored choices, by person and kind.
type storedChoices map[int64]map[string]NoticeChoice

// of is how the person gets the kind: as they chose, or by its defaults.
func (c storedChoices) of(userID int64, k NoticeKind) NoticeChoice {
	if ch, ok := c[userID][k.Kind]; ok {
		return ch
	}
	return NoticeChoice{Kind: k.Kind, Email: k.Email, Webhook: k.Webhook}
}

func noticeChoicesOf(tx *gorm.DB, userIDs []int64) (storedChoices, error) {
	var rows []noticePreference
	if err := tx.Where("user_id IN ?", userIDs).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := storedChoices{}
	for _, r := range rows {
		if out[r.UserID] == nil {
			out[r.UserID] = map[string]NoticeChoice{}
		}
		out[r.UserID][r.Kind] = NoticeChoice{Kind: r.Kind, Email: r.Email, Webhook: r.Webhook}
	}
	return out, nil
}

// NoticeChoices returns how the person gets each kind of notice their role can get, in the
// account page's order: as they chose, or by the kind's defaults.
func (s *Store) NoticeChoices(ctx context.Context, u *User) ([]NoticeChoice, error) {
	stored, err := noticeChoicesOf(s.db.WithContext(ctx), []int64{u.ID})
	if err != nil {
		return nil, translate(err, "notice choices")
	}
	var out []NoticeChoice
	for _, k := range NoticeKindsFor(u.Role) {
		out = append(out, stored.of(u.ID, k))
	}
	return out, nil
}

// SetNoticeChoices records how the person gets the kinds given (the others stay as they are):
// each a kind their role can get, once.
func (s *Store) SetNoticeChoices(ctx context.Context, u *User, choices []NoticeChoice) error {
	mine := NoticeKindsFor(u.Role)
	seen := map[string]bool{}
	rows := make([]noticePreference, 0, len(choices))
	for _, c := range choices {
		if !slices.ContainsFunc(mine, func(k NoticeKind) bool { return k.Kind == c.Kind }) {
			return Invalid("kind", "没有这种通知，或您的角色收不到这种通知")
		}
		if seen[c.Kind] {
			return Invalid("kind", "同一种通知只能设置一次")
		}
		seen[c.Kind] = true
		rows = append(rows, noticePreference{UserID: u.ID, Kind: c.Kind, Email: c.Email, Webhook: c.Webhook, UpdatedAt: s.now()})
	}
	if len(rows) == 0 {
		return nil
	}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "user_id"}, {Name: "kind"}},
		DoUpdates: clause.AssignmentColumns([]string{"email", "webhook", "updated_at"}),
	}).Create(&rows).Error
	return translate(err, "set notice choices")
}
