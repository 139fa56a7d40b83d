package models_test

import (
	"context"
	"testing"

	"zhaocuo/models"
)

// A report that follows an open ticket is merged with that one, even where the duplicate rule
// alone would take the oldest ticket of the same problem; it takes that ticket's category.
func TestFollowingMergesWithTheTicketChosen(t *testing.T) {
	r := newRates(t, "2025-03-25 10:00:00")
	const page = "https://gzw.sc.gov.cn/scsgzw/c100/list.shtml"
	oldest := r.reportAs(page, "链接不可用", "")
	chosen := r.reportAs(page, "链接不可用", "")
	// Handled on its own again, it is a second open ticket of the same problem.
	r.act("sc-supervisor", chosen, models.Action{Kind: models.ActUnlink})
	list, err := r.s.FollowableReports(context.Background(), page, "链接不可用")
	if err != nil || len(list) != 2 || list[0].TicketNo != oldest || list[1].TicketNo != chosen {
		t.Fatalf("followable: %+v (%v)", list, err)
	}

	sub, err := r.s.SubmitReport(context.Background(), models.Report{PageURL: page, Follow: chosen})
	if err != nil {
		t.Fatal(err)
	}
	got := r.ticket(sub.Ticket.TicketNo)
	if got.Status != models.StatusLinked || got.DuplicateOf == nil || *got.DuplicateOf != r.ticket(chosen).ID {
		t.Fatalf("the follower: status %s, duplicate of %v", got.Status, got.DuplicateOf)
	}
	if got.Description != "与留言 "+chosen+" 反映的问题相同。" {
		t.Errorf("the follower's description: %q", got.Description)
	}
	// Without following, the rule takes the oldest.
	plain := r.reportAs(page, "链接不可用", "")
	if p := r.ticket(plain); p.DuplicateOf == nil || *p.DuplicateOf != r.ticket(oldest).ID {
		t.Errorf("a report of its own merged with %v, want the oldest", p.DuplicateOf)
	}
}
