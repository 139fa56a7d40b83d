package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Delivery channels and states.
const (
	ChannelEmail   = "email"
	ChannelWebhook = "webhook"

	DeliveryPending = "pending"
	DeliverySent    = "sent"
	DeliveryFailed  = "failed"
)

// Notification is one item of a person's in-app inbox.
type Notification struct {
	ID         int64
	UserID     int64
	TicketID   *int64
	ReminderID *int64
	Kind       string
	Title      string
	Body       string
	Link       string
	CreatedAt  time.Time
	ReadAt     *time.Time
}

// Delivery is one e-mail or webhook post, with its outcome.
type Delivery struct {
	ID         int64
	ReminderID *int64
	TicketID   *int64
	Channel    string
	Target     string
	Subject    string
	Body       string
	Status     string
	Attempts   int
	LastError  *string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

type reminderRow struct {
	ID       int64
	TicketID int64
	Stage    string
	N        int
	Version  int64
	SentAt   time.Time
}

func (reminderRow) TableName() string { return "reminders" }

// Webhook posts a unit's or a region's notifications to a group robot (企业微信, 钉钉).
type Webhook struct {
	ID        int64
	UnitID    *int64
	RegionID  *int64
	URL       string
	CreatedAt time.Time
}

// ErrStageNotDue is returned for a reminder whose stage no longer applies (closed, extended,
// returned) or has already gone out: the task has nothing to do.
var ErrStageNotDue = errors.New("reminder stage no longer due")

// ReminderState returns a ticket and the reminders sent for it.
func (s *Store) ReminderState(ctx context.Context, ticketID int64) (*Ticket, []SentReminder, error) {
	var t Ticket
	if err := s.db.WithContext(ctx).Take(&t, ticketID).Error; err != nil {
		return nil, nil, translate(err, "reminder state")
	}
	sent, err := s.SentReminders(ctx, ticketID)
	return &t, sent, err
}

// SentReminders returns the stages already sent for a ticket.
func (s *Store) SentReminders(ctx context.Context, ticketID int64) ([]SentReminder, error) {
	var sent []SentReminder
	err := s.db.WithContext(ctx).Table("reminders").Select("stage, n, version, sent_at").Where("ticket_id = ?", ticketID).Find(&sent).Error
	return sent, translate(err, "sent reminders")
}

// SendReminder sends one stage, once: in one transaction it checks the stage is still due for the
// ticket as it is now, records it (the unique key refuses a second time), writes the in-app
// notifications and the deliveries, and for a 催办 counts it and raises 督办 when enough have
// gone out. It returns the stage's TicketReminded, with its deliveries, for the caller to
// dispatch; ErrStageNotDue means there was nothing to do.
func (s *Store) SendReminder(ctx context.Context, st Stage) (*TicketReminded, error) {
	set, cal, cats, err := s.reference(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := &TicketReminded{TicketID: st.TicketID, Stage: st.Kind, N: st.N}
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		t, err := s.lockTicket(tx, Scope{All: true}, "t.id = ?", st.TicketID)
		if err != nil {
			if ErrorKind(err) == KindNotFound {
				return ErrStageNotDue
			}
			return err
		}
		var sent []SentReminder
		if err := tx.Table("reminders").Select("stage, n, version, sent_at").Where("ticket_id = ?", t.ID).Scan(&sent).Error; err != nil {
			return err
		}
		// Due means: still among the ticket's next stages, and its time has come (a minute's
		// grace for clocks of replicas that differ a little). A task that runs early does nothing;
		// the reconciler schedules the stage again for its time.
		due := false
		for _, next := range NextStages(t, sent, now, set, cal) {
			if next.Kind == st.Kind && next.N == st.N && next.Version == st.Version && !now.Before(next.At.Add(-time.Minute)) {
				due = true
			}
		}
		if !due {
			return ErrStageNotDue
		}
		row := reminderRow{TicketID: t.ID, Stage: st.Kind, N: st.N, Version: st.Version, SentAt: now}
		if err := tx.Create(&row).Error; err != nil {
			if isDuplicate(err) {
				return ErrStageNotDue
			}
			return err
		}
		out.ReminderID = row.ID

		unitName, category := "", ""
		if t.UnitID != nil {
			tx.Table("units").Where("id = ?", *t.UnitID).Pluck("name", &unitName)
		}
		for _, c := range cats {
			if c.ID == t.CategoryID {
				category = c.Name
			}
		}
		daysLate := 0
		if t.Deadline != nil {
			daysLate = cal.WorkingDaysBetween(*t.Deadline, now)
		}
		msg := reminderText(st, t, unitName, category, daysLate)
		w := &notifier{tx: tx, ticketID: &t.ID, reminderID: &row.ID, unitID: t.UnitID, regionID: t.RegionID, now: now, email: s.opt.Email}
		defer func() { out.Deliveries = w.deliveries }()

		switch st.Kind {
		case StageDueSoon:
			return w.toUnit(msg)
		case StageOverdue:
			if err := w.toUnit(msg); err != nil {
				return err
			}
			return w.toSupervisors(msg, 1)
		case StageTriage, StageRequest:
			return w.toSupervisors(msg, 1)
		case StageUrge:
			if err := w.toUnit(msg); err != nil {
				return err
			}
			t.UrgeCount++
			events := []TicketEvent{{At: now, ActorRole: ActorSystem, Kind: EventUrged, FromStatus: t.Status, ToStatus: t.Status,
				UnitID: t.UnitID, RegionID: &t.RegionID, Deadline: t.Deadline, Reason: fmt.Sprintf("系统自动催办（第 %d 次）", st.N)}}
			// 督办 to the unit's region's supervisors after the configured number of 催办, and
			// to the region above after twice as many.
			if level := st.N / set.UrgesBeforeSupervise; st.N%set.UrgesBeforeSupervise == 0 && level <= 2 && level > t.SuperviseLevel {
				sup := superviseText(t, unitName, st.N)
				if err := w.toSupervisors(sup, level); err != nil {
					return err
				}
				t.SuperviseLevel = level
				events = append(events, TicketEvent{At: now, ActorRole: ActorSystem, Kind: EventSupervised, FromStatus: t.Status,
					ToStatus: t.Status, UnitID: t.UnitID, RegionID: &t.RegionID, Deadline: t.Deadline, Reason: fmt.Sprintf("已催办 %d 次，%s", st.N, w.reached)})
			}
			t.UpdatedAt = now
			return saveTicket(tx, t, events)
		}
		return fmt.Errorf("unknown stage %q", st.Kind)
	})
	if errors.Is(err, ErrStageNotDue) {
		return nil, ErrStageNotDue
	}
	if err != nil {
		return nil, translate(err, "send reminder")
	}
	return out, nil
}

// notifier writes a reminder's notifications and deliveries inside its transaction: a ticket's
// or a rectification's, to the unit and to the supervisors above the region.
type notifier struct {
	tx         *gorm.DB
	ticketID   *int64 // the ticket the notifications and deliveries are about, if a ticket
	reminderID *int64 // the ticket reminder that wrote them, if one
	unitID     *int64
	regionID   int64 // where the search for supervisors starts
	now        time.Time
	email      bool
	reached    string  // who the last toSupervisors reached, for the 督办 event
	deliveries []int64 // written, for the caller to hand to the queue once committed
}

// toUnit notifies the unit's staff and reviewers, and posts to the unit's webhook.
func (w *notifier) toUnit(m ReminderMessage) error {
	if w.unitID == nil {
		return nil
	}
	var users []User
	if err := w.tx.Where("unit_id = ? AND role IN ? AND disabled = ?", *w.unitID,
		[]string{RoleUnitStaff, RoleUnitReviewer}, false).Find(&users).Error; err != nil {
		return err
	}
	return w.notify(users, m, "unit_id = ?", *w.unitID)
}

// toSupervisors notifies the supervisors at a level above the region (supervisorLadder.at).
func (w *notifier) toSupervisors(m ReminderMessage, level int) error {
	ladder, err := loadSupervisorLadder(w.tx, []int64{w.regionID})
	if err != nil {
		return err
	}
	r, users := ladder.at(w.regionID, level)
	if len(users) == 0 {
		return nil
	}
	w.reached = "转" + r.Name + "督办"
	return w.notify(users, m, "region_id = ?", r.ID)
}

// notify writes a notification per user, an e-mail per user with an address (when e-mail is
// configured), and a post to the webhooks that match where.
func (w *notifier) notify(users []User, m ReminderMessage, webhookWhere string, arg any) error {
	m.Title = ellipsis(m.Title, maxTitle) // a rectification's list of sites can run long
	var notes []Notification
	var sends []Delivery
	for _, u := range users {
		notes = append(notes, w.note(w.ticketID, u.ID, m))
		if w.email && u.Email != "" {
			sends = append(sends, w.delivery(w.ticketID, ChannelEmail, u.Email, m))
		}
	}
	var hooks []Webhook
	if err := w.tx.Where(webhookWhere, arg).Find(&hooks).Error; err != nil {
		return err
	}
	for _, h := range hooks {
		sends = append(sends, w.delivery(w.ticketID, ChannelWebhook, h.URL, m))
	}
	return w.write(notes, sends)
}

// note is the in-app notification of m to a user, about a ticket (nil: about none).
func (w *notifier) note(ticketID *int64, userID int64, m ReminderMessage) Notification {
	return Notification{UserID: userID, TicketID: ticketID, ReminderID: w.reminderID, Kind: m.Kind, Title: m.Title, Body: m.Body,
		Link: m.Link, CreatedAt: w.now}
}

// delivery is m by e-mail or to a webhook, waiting to be sent; the body ends with the link.
func (w *notifier) delivery(ticketID *int64, channel, target string, m ReminderMessage) Delivery {
	return Delivery{ReminderID: w.reminderID, TicketID: ticketID, Channel: channel, Target: target, Subject: m.Title,
		Body: m.Body + "\n" + m.Link, Status: DeliveryPending, CreatedAt: w.now, UpdatedAt: w.now}
}

// write stores notifications and deliveries, a few hundred rows to a statement, and keeps the
// deliveries' ids for the caller to hand to the queue once committed.
func (w *notifier) write(notes []Notification, sends []Delivery) error {
	if len(notes) > 0 {
		if err := w.tx.CreateInBatches(&notes, 500).Error; err != nil {
			return err
		}
	}
	if len(sends) > 0 {
		if err := w.tx.CreateInBatches(&sends, 500).Error; err != nil {
			return err
		}
	}
	for _, d := range sends {
		w.deliveries = append(w.deliveries, d.ID)
	}
	return nil
}

// supervisorLadder finds the supervisors over regions, for the reminders' 超期提醒 and 督办 and
// for the workflow notices alike: the regions on the given regions' paths, and their enabled
// supervisors, read in three statements however many regions.
type supervisorLadder struct {
	byID   map[int64]Region
	byCode map[string]Region
	users  map[int64][]User // the enabled supervisors of each region, by its id
}

func loadSupervisorLadder(tx *gorm.DB, regionIDs []int64) (*supervisorLadder, error) {
	l := &supervisorLadder{byID: map[int64]Region{}, byCode: map[string]Region{}, users: map[int64][]User{}}
	if len(regionIDs) == 0 {
		return l, nil
	}
	var given []Region
	if err := tx.Where("id IN ?", regionIDs).Find(&given).Error; err != nil {
		return nil, err
	}
	var codes []string
	for _, r := range given {
		codes = append(codes, strings.Split(strings.Trim(r.Path, "/"), "/")...)
	}
	var onPaths []Region
	if err := tx.Where("code IN ?", codes).Find(&onPaths).Error; err != nil {
		return nil, err
	}
	ids := make([]int64, len(onPaths))
	for i, r := range onPaths {
		l.byID[r.ID], l.byCode[r.Code], ids[i] = r, r, r.ID
	}
	var sups []User
	if err := tx.Where("region_id IN ? AND role = ? AND disabled = ?", ids, RoleSupervisor, false).Order("id").Find(&sups).Error; err != nil {
		return nil, err
	}
	for _, u := range sups {
		l.users[*u.RegionID] = append(l.users[*u.RegionID], u)
	}
	return l, nil
}

// at returns the supervisors at a level above the region, and their region: level 1 is the
// nearest region, from the region itself upwards, that has supervisors; level 2 the next one
// above it. None there: no one.
func (l *supervisorLadder) at(regionID int64, level int) (Region, []User) {
	r, ok := l.byID[regionID]
	if !ok {
		return Region{}, nil
	}
	codes := strings.Split(strings.Trim(r.Path, "/"), "/")
	found := 0
	for i := len(codes) - 1; i >= 0; i-- {
		up, ok := l.byCode[codes[i]]
		if !ok || len(l.users[up.ID]) == 0 {
			continue
		}
		if found++; found == level {
			return up, l.users[up.ID]
		}
	}
	return Region{}, nil
}

// TicketsForReminders returns the given tickets and the reminders sent for them.
func (s *Store) TicketsForReminders(ctx context.Context, ids []int64) ([]Ticket, map[int64][]SentReminder, error) {
	var tickets []Ticket
	if err := s.db.WithContext(ctx).Where("id IN ?", ids).Find(&tickets).Error; err != nil {
		return nil, nil, translate(err, "tickets for reminders")
	}
	sent, err := s.sentFor(ctx, ids)
	return tickets, sent, err
}

func (s *Store) sentFor(ctx context.Context, ids []int64) (map[int64][]SentReminder, error) {
	var rows []reminderRow
	if err := s.db.WithContext(ctx).Where("ticket_id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, translate(err, "sent reminders")
	}
	sent := make(map[int64][]SentReminder, len(ids))
	for _, r := range rows {
		sent[r.TicketID] = append(sent[r.TicketID], SentReminder{Kind: r.Stage, N: r.N, Version: r.Version, SentAt: r.SentAt})
	}
	return sent, nil
}

// OpenTicketsForReminders returns a page of the tickets that may have reminders due (with a unit
// and a deadline, in triage, or with a request pending), ordered by id from afterID, and the
// reminders sent for them.
func (s *Store) OpenTicketsForReminders(ctx context.Context, afterID int64, limit int) ([]Ticket, map[int64][]SentReminder, error) {
	var tickets []Ticket
	err := s.db.WithContext(ctx).Where("id > ? AND status IN ?", afterID, openStatuses).Order("id").Limit(limit).Find(&tickets).Error
	if err != nil || len(tickets) == 0 {
		return nil, nil, translate(err, "open tickets")
	}
	ids := make([]int64, len(tickets))
	for i, t := range tickets {
		ids[i] = t.ID
	}
	sent, err := s.sentFor(ctx, ids)
	return tickets, sent, err
}

// ReminderRules returns the settings and calendar reminders are computed with.
func (s *Store) ReminderRules(ctx context.Context) (Settings, *Calendar, error) {
	set, cal, _, err := s.reference(ctx)
	return set, cal, err
}

// Delivery returns one delivery.
func (s *Store) Delivery(ctx context.Context, id int64) (*Delivery, error) {
	var d Delivery
	if err := s.db.WithContext(ctx).Take(&d, id).Error; err != nil {
		return nil, translate(err, "delivery")
	}
	return &d, nil
}

// RecordDelivery records an attempt of d: sent, or failed with its error (final when no retry is
// left). Once it has gone or failed for good, a query code in its text is forgotten: the database
// keeps codes only as hashes (forgetQueryCode).
func (s *Store) RecordDelivery(ctx context.Context, d *Delivery, sendErr error, final bool) error {
	updates := map[string]any{"attempts": gorm.Expr("attempts + 1"), "updated_at": s.now()}
	switch {
	case sendErr == nil:
		updates["status"] = DeliverySent
	case final:
		updates["status"], updates["last_error"] = DeliveryFailed, truncate(sendErr.Error(), 1000)
	default:
		updates["last_error"] = truncate(sendErr.Error(), 1000)
	}
	if body := forgetQueryCode(d.Body); body != d.Body && (sendErr == nil || final) {
		updates["body"] = body
	}
	err := s.db.WithContext(ctx).Model(&Delivery{}).Where("id = ? AND status = ?", d.ID, DeliveryPending).Updates(updates).Error
	return translate(err, "record delivery")
}

// StalePendingDeliveries returns deliveries still pending after olderThan, for the reconciler
// to hand to the queue again (their task was lost with Redis, say).
func (s *Store) StalePendingDeliveries(ctx context.Context, olderThan time.Duration, limit int) ([]int64, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Model(&Delivery{}).Where("status = ? AND updated_at < ?", DeliveryPending, s.now().Add(-olderThan)).
		Order("id").Limit(limit).Pluck("id", &ids).Error
	return ids, translate(err, "pending deliveries")
}

// Deliveries returns the deliveries of a ticket, newest first.
func (s *Store) Deliveries(ctx context.Context, ticketID int64) ([]Delivery, error) {
	var ds []Delivery
	err := s.db.WithContext(ctx).Where("ticket_id = ?", ticketID).Order("id DESC").Find(&ds).Error
	return ds, translate(err, "deliveries")
}

// maxTitle is the length of notifications.title and deliveries.subject, in characters.
const maxTitle = 200

// ellipsis cuts s to n characters, the last of them "…" when anything was cut.
func ellipsis(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
