package models

import "strconv"

// ActionRequest is an action as a person sends it, from the ticket's page (a form) or the API
// (JSON): one type, bound either way by its tags, so the two cannot read a field differently.
// Action makes it the Action the rules check, with the defaults stated once.
type ActionRequest struct {
	Text       string   `form:"text" json:"text"`           // the reply, or the reason or note
	Confirmed  *bool    `form:"confirmed" json:"confirmed"` // reply: the problem was real (属实) or not; the clerk must say which
	Days       FormDays `form:"days" json:"days"`           // extension: working days asked for
	Decision   string   `form:"decision" json:"decision"`   // decide: DecisionApprove or DecisionRefuse
	Public     *bool    `form:"public" json:"public"`       // approve: show the reply in 留言选登; left out, the ticket's default (Ticket.PublicByDefault)
	UnitID     FormUnit `form:"unit_id" json:"unit_id"`     // assign, or decide on a return (optional): the unit to give the ticket to
	Primary    string   `form:"primary" json:"primary"`     // link: the number of the ticket this one duplicates
	RequestKey string   `form:"request_key" json:"-"`       // the form's; the API sends it as the Idempotency-Key header
}

// Decisions on a pending return or extension.
const (
	DecisionApprove = "approve"
	DecisionRefuse  = "refuse"
)

// Action is the request as the action of kind.
func (r ActionRequest) Action(kind string) (Action, error) {
	a := Action{Kind: kind, Text: r.Text, Days: int(r.Days), PublicDefault: r.Public == nil, RequestKey: r.RequestKey}
	if r.Public != nil {
		a.Public = *r.Public
	}
	if (kind == ActAssign || kind == ActDecide) && r.UnitID != 0 {
		a.Unit = &Unit{ID: int64(r.UnitID)}
	}
	switch kind {
	case ActReply:
		// 属实 is counted in the rates and the circular: a person says it, no default says it for them.
		if r.Confirmed == nil {
			return Action{}, Invalid("confirmed", "请选择核实结论：问题属实或问题不属实")
		}
		a.Confirmed = *r.Confirmed
	case ActDecide:
		switch r.Decision {
		case DecisionApprove:
			a.Approve = true
		case DecisionRefuse:
		case "":
			return Action{}, Invalid("decision", "请选择同意或不同意")
		default:
			return Action{}, Invalid("decision", "decision 应为 approve 或 refuse")
		}
	case ActLink:
		a.PrimaryNo = r.Primary
	}
	return a, nil
}

// FormDays is a number of working days. JSON sends a number; a form sends text, which gin's
// form binding reads with UnmarshalParam, so that text that is no whole number is refused naming
// its field.
type FormDays int

// UnmarshalParam reads a form's value.
func (d *FormDays) UnmarshalParam(s string) error {
	n, err := formInt(s)
	if err != nil {
		return Invalid("days", "延期天数应为整数")
	}
	*d = FormDays(n)
	return nil
}

// FormUnit is a unit's id, read as FormDays is.
type FormUnit int64

// UnmarshalParam reads a form's value.
func (u *FormUnit) UnmarshalParam(s string) error {
	n, err := formInt(s)
	if err != nil {
		return Invalid("unit", "请选择办理单位")
	}
	*u = FormUnit(n)
	return nil
}

// formInt reads a form's whole number; an empty value is none (0).
func formInt(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	return strconv.ParseInt(s, 10, 64)
}
