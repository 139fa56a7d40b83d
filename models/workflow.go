package models

import (
	"encoding/json"
	"slices"
	"time"
)

// ruleOf finds an action in the table.
func ruleOf(kind string) (*actionRule, bool) {
	i := slices.IndexFunc(actions, func(r actionRule) bool { return r.kind == kind })
	if i < 0 {
		return nil, false
	}
	return &actions[i], true
}

// Actions lists every action's kind, in the table's order.
func Actions() []string {
	out := make([]string, len(actions))
	for i, r := range actions {
		out[i] = r.kind
	}
	return out
}

// IsAction reports whether kind names an action.
func IsAction(kind string) bool {
	_, ok := ruleOf(kind)
	return ok
}

// ActionDone is what the page says once the action is done.
func ActionDone(kind string) string {
	if r, ok := ruleOf(kind); ok {
		return r.done
	}
	return ""
}

// ActionText is the rule of an action's text (zero for an action that reads none).
func ActionText(kind string) TextRule {
	if r, ok := ruleOf(kind); ok {
		return r.text
	}
	return TextRule{}
}

// ActionAllowed reports whether role may ever do the action. Everything else is refused before
// the ticket is looked at.
func ActionAllowed(role, action string) bool {
	r, ok := ruleOf(action)
	return ok && slices.Contains(r.roles, role)
}

// May tells whether someone of role may do the action to the ticket as it stands at now: the
// role, the state and the deadline (the action's guard), whatever the action carries. Apply asks
// it before anything else, and the ticket's page asks it (Offered) so that it shows only the
// forms that can succeed: the two cannot disagree. What an action carries (a text, days, a unit,
// a primary) is Apply's to check.
func (t *Ticket) May(kind, role string, now time.Time, set Settings) error {
	r, ok := ruleOf(kind)
	if !ok || !slices.Contains(r.roles, role) {
		return Forbidden("您的角色不能进行此操作")
	}
	return r.guard(t, asking{role: role, now: now, set: set})
}

// Offer is what a ticket's page offers someone: the actions they may do to it now, in the
// table's order.
type Offer []string

// Has reports whether the offer holds the action.
func (o Offer) Has(kind string) bool { return slices.Contains(o, kind) }

// Offered lists the actions someone of role may do to the ticket at now (May): what the ticket's
// page offers them.
func (t *Ticket) Offered(role string, now time.Time, set Settings) Offer {
	var out Offer
	for _, r := range actions {
		if t.May(r.kind, role, now, set) == nil {
			out = append(out, r.kind)
		}
	}
	return out
}

// Apply checks that the actor may do the action to the ticket now (May), then what it carries
// and its text, changes the ticket, and returns the events to record. It refuses, changing
// nothing, whatever the state does not allow. Scope (is the ticket the actor's to touch?) is the
// store's check, done before.
func (t *Ticket) Apply(a Action, actor *User, now time.Time, set Settings, cal *Calendar) ([]TicketEvent, error) {
	if err := t.May(a.Kind, actor.Role, now, set); err != nil {
		return nil, err
	}
	r, _ := ruleOf(a.Kind)
	if r.check != nil {
		if err := r.check(t, a, set); err != nil {
			return nil, err
		}
	}
	text, err := r.text.check(a.Text)
	if err != nil {
		return nil, err
	}
	a.Text = text
	do := &doing{t: t, actor: actor, now: now, set: set, cal: cal, from: t.Status, key: a.RequestKey, events: []TicketEvent{}}
	r.apply(t, a, do)
	return do.events, nil
}

// event is a change to t at now, from the status it had, as the ticket stands after it: its
// unit, region and deadline in force (the forward deadline while in triage). The caller sets who.
func (t *Ticket) event(now time.Time, kind, from, reason string, data map[string]any) TicketEvent {
	region := t.RegionID
	ev := TicketEvent{At: now, ActorRole: ActorSystem, Kind: kind, FromStatus: from, ToStatus: t.Status,
		UnitID: t.UnitID, RegionID: &region, Deadline: t.DueAt(), Reason: reason}
	if len(data) > 0 {
		b, _ := json.Marshal(data)
		d := string(b)
		ev.Data = &d
	}
	return ev
}
