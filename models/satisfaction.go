package models

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// UnhappyReasons are the reasons a reporter can pick when the reply leaves them unhappy: the
// page offers them as chips, the supervisor reads them with the rating.
var UnhappyReasons = []string{"问题仍未解决", "答复不清楚", "办理太慢"}

// Bounds of what a reporter writes after the reply: a short note with the rating, one follow-up.
const (
	MaxRatingNote = 200
	MaxFollowUp   = 500
)

// CitizenRating is the reporter's rating of a reply and, when 不满意, why: chips from
// UnhappyReasons and a short note of their own, both optional.
type CitizenRating struct {
	Rating  string
	Reasons []string
	Note    string
}

// Validate checks the rating and bounds what comes with it; reasons go only with 不满意.
func (r *CitizenRating) Validate() error {
	if _, ok := ratingLabels[r.Rating]; !ok {
		return Invalid("rating", "请选择满意、基本满意或不满意")
	}
	r.Note = strings.TrimSpace(r.Note)
	if r.Rating != RatingUnhappy {
		r.Reasons, r.Note = nil, ""
		return nil
	}
	var reasons []string
	for _, why := range r.Reasons {
		if !slices.Contains(UnhappyReasons, why) {
			return Invalid("reasons", "请从所列原因中选择")
		}
		if !slices.Contains(reasons, why) {
			reasons = append(reasons, why)
		}
	}
	r.Reasons = reasons
	if utf8.RuneCountInString(r.Note) > MaxRatingNote {
		return Invalid("note", "补充说明请控制在200字以内")
	}
	return nil
}

// reason is the rating as the ticket's history says it: the label, then why.
func (r CitizenRating) reason() string {
	s := RatingLabel(r.Rating)
	if len(r.Reasons) > 0 {
		s += "：" + strings.Join(r.Reasons, "、")
	}
	if r.Note != "" {
		s += "。留言人说明：" + r.Note
	}
	return s
}

// Rate records the citizen's rating of a closed ticket's reply, once.
func (t *Ticket) Rate(r CitizenRating, now time.Time) (TicketEvent, error) {
	if err := r.Validate(); err != nil {
		return TicketEvent{}, err
	}
	if t.Status != StatusClosed || t.ReplyPublic == nil {
		return TicketEvent{}, Conflict("留言办结并答复后才能评价")
	}
	if t.Rating != "" {
		return TicketEvent{}, Conflict("您已评价过该答复")
	}
	t.Rating, t.RatedAt = r.Rating, &now
	// The note stays in the event (the ticket's page shows it to staff); the notices name only
	// the chips, so a reporter's own words never reach an e-mail or a group robot.
	b, _ := json.Marshal(map[string]any{"rating": r.Rating, "reasons": r.Reasons})
	d := string(b)
	region := t.RegionID
	return TicketEvent{At: now, ActorRole: ActorCitizen, Kind: EventRated, FromStatus: t.Status, ToStatus: t.Status,
		UnitID: t.UnitID, RegionID: &region, Deadline: t.Deadline, Reason: r.reason(), Data: &d}, nil
}

// CanFollowUp reports whether the reporter may still ask their one follow-up question (追问).
func (t *Ticket) CanFollowUp() bool { return canFollowUp(t.Status, t.Rating, t.FollowedUpAt) }

func canFollowUp(status, rating string, followedUpAt *time.Time) bool {
	return status == StatusClosed && rating == RatingUnhappy && followedUpAt == nil
}

// FollowUp records the reporter's one follow-up question after a 不满意 rating. It goes to the
// unit as a task (a notice) and to the ticket's history; it does not reopen the ticket nor move
// its deadline, so the closed ticket's on-time figures stand (RULES.md says nothing of
// follow-ups; PRODUCT.md leaves reopening to the supervisor, who sees the question).
func (t *Ticket) FollowUp(text string, now time.Time) (TicketEvent, error) {
	text = strings.TrimSpace(text)
	switch {
	case t.Status != StatusClosed || t.Rating != RatingUnhappy:
		return TicketEvent{}, Conflict("评价为不满意后才能追问")
	case t.FollowedUpAt != nil:
		return TicketEvent{}, Conflict("每条留言只能追问一次，您已追问过")
	case text == "":
		return TicketEvent{}, Invalid("text", "请填写追问内容")
	case utf8.RuneCountInString(text) > MaxFollowUp:
		return TicketEvent{}, Invalid("text", "追问内容请控制在500字以内")
	}
	t.FollowedUpAt = &now
	region := t.RegionID
	return TicketEvent{At: now, ActorRole: ActorCitizen, Kind: EventFollowedUp, FromStatus: t.Status, ToStatus: t.Status,
		UnitID: t.UnitID, RegionID: &region, Deadline: t.Deadline, Reason: text}, nil
}

// RateReport records the citizen's rating, for whoever holds the query code, and returns its
// TicketChanged (ChangeRated) for the caller to dispatch.
func (s *Store) RateReport(ctx context.Context, ticketNo, code string, r CitizenRating) ([]Event, error) {
	return s.citizenChange(ctx, ticketNo, code, ChangeRated, func(t *Ticket, now time.Time) (TicketEvent, error) {
		return t.Rate(r, now)
	})
}

// FollowUpReport records the reporter's follow-up question, for whoever holds the query code,
// and returns its TicketChanged (ChangeFollowUp): the notices tell the unit.
func (s *Store) FollowUpReport(ctx context.Context, ticketNo, code, text string) ([]Event, error) {
	return s.citizenChange(ctx, ticketNo, code, ChangeFollowUp, func(t *Ticket, now time.Time) (TicketEvent, error) {
		return t.FollowUp(text, now)
	})
}

// citizenChange is a change the reporter makes with the query code: the code checked, the
// ticket locked, the change and its event saved in one transaction.
func (s *Store) citizenChange(ctx context.Context, ticketNo, code, change string, do func(*Ticket, time.Time) (TicketEvent, error)) ([]Event, error) {
	report, err := s.FindReport(ctx, ticketNo, code)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var changed TicketChanged
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		t, err := s.lockTicket(tx, Scope{All: true}, "t.ticket_no = ?", report.TicketNo)
		if err != nil {
			return err
		}
		ev, err := do(t, now)
		if err != nil {
			return err
		}
		t.UpdatedAt = now
		audit := []TicketEvent{ev}
		if err := saveTicket(tx, t, audit); err != nil {
			return err
		}
		changed = ticketChanged(t, change, nil, audit)
		return nil
	})
	if err != nil {
		return nil, translate(err, change)
	}
	return []Event{changed}, nil
}

// UnhappyList is the ticket list of the tickets rated 不满意 that wait for the supervisor's
// decision (TicketFilter.Unhappy): the desk, the notices and the stats page link to it.
const UnhappyList = "/staff/tickets?unsatisfied=1"
