package models_test

import (
	"reflect"
	"testing"

	"zhaocuo/models"
)

// A request becomes the action its kind reads, the defaults stated once: an approved reply is
// public unless the request says not; a reply says whether the problem was real, with no
// default; a decision must be one of the two; the unit and the primary are read by the actions
// that take them.
func TestActionRequestIsTheActionItsKindReads(t *testing.T) {
	no, yes := false, true
	tests := []struct {
		name    string
		kind    string
		req     models.ActionRequest
		want    models.Action
		wantErr string // the field refused
	}{
		{"the ticket's default unless said", models.ActApprove, models.ActionRequest{}, models.Action{Kind: models.ActApprove, PublicDefault: true}, ""},
		{"not public when said", models.ActApprove, models.ActionRequest{Public: &no}, models.Action{Kind: models.ActApprove}, ""},
		{"public when said", models.ActApprove, models.ActionRequest{Public: &yes, RequestKey: "k"},
			models.Action{Kind: models.ActApprove, Public: true, RequestKey: "k"}, ""},
		{"a reply with its 属实", models.ActReply, models.ActionRequest{Text: "已修复", Confirmed: &yes, Public: &no},
			models.Action{Kind: models.ActReply, Text: "已修复", Confirmed: true}, ""},
		{"a reply, 不属实", models.ActReply, models.ActionRequest{Text: "经核实页面正常", Confirmed: &no},
			models.Action{Kind: models.ActReply, Text: "经核实页面正常", PublicDefault: true}, ""},
		{"a reply that does not say", models.ActReply, models.ActionRequest{Text: "已修复"}, models.Action{}, "confirmed"},
		{"an extension's days", models.ActExtension, models.ActionRequest{Days: 3, Text: "需协调", UnitID: 12, Primary: "ZC1"},
			models.Action{Kind: models.ActExtension, Days: 3, Text: "需协调", PublicDefault: true}, ""},
		{"decide: approve", models.ActDecide, models.ActionRequest{Decision: models.DecisionApprove},
			models.Action{Kind: models.ActDecide, Approve: true, PublicDefault: true}, ""},
		{"decide: refuse", models.ActDecide, models.ActionRequest{Decision: models.DecisionRefuse},
			models.Action{Kind: models.ActDecide, PublicDefault: true}, ""},
		{"decide: approve and give to a unit", models.ActDecide, models.ActionRequest{Decision: models.DecisionApprove, UnitID: 12},
			models.Action{Kind: models.ActDecide, Approve: true, Unit: &models.Unit{ID: 12}, PublicDefault: true}, ""},
		{"decide: no choice", models.ActDecide, models.ActionRequest{}, models.Action{}, "decision"},
		{"decide: neither", models.ActDecide, models.ActionRequest{Decision: "maybe"}, models.Action{}, "decision"},
		{"assign: the unit", models.ActAssign, models.ActionRequest{UnitID: 12},
			models.Action{Kind: models.ActAssign, Unit: &models.Unit{ID: 12}, PublicDefault: true}, ""},
		{"assign: no unit", models.ActAssign, models.ActionRequest{}, models.Action{Kind: models.ActAssign, PublicDefault: true}, ""},
		{"link: the primary as typed", models.ActLink, models.ActionRequest{Primary: " zc1 ", Text: "同一问题"},
			models.Action{Kind: models.ActLink, PrimaryNo: " zc1 ", Text: "同一问题", PublicDefault: true}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.req.Action(tt.kind)
			if tt.wantErr != "" {
				if models.ErrorKind(err) != models.KindInvalid || models.ErrorField(err) != tt.wantErr {
					t.Fatalf("got %+v, %v; want refused on %s", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

// A form's numbers are text: what is no whole number is refused naming its field, and an empty
// value is none.
func TestFormNumbersNameTheirField(t *testing.T) {
	var d models.FormDays
	var u models.FormUnit
	for _, s := range []string{"abc", "1.5", " 3", "3天", "99999999999999999999"} {
		if err := d.UnmarshalParam(s); models.ErrorField(err) != "days" {
			t.Errorf("days %q: %v", s, err)
		}
		if err := u.UnmarshalParam(s); models.ErrorField(err) != "unit" {
			t.Errorf("unit %q: %v", s, err)
		}
	}
	if err := d.UnmarshalParam("3"); err != nil || d != 3 {
		t.Fatalf("days 3: %d %v", d, err)
	}
	if err := u.UnmarshalParam(""); err != nil || u != 0 {
		t.Fatalf("no unit: %d %v", u, err)
	}
}
