package models

// What a ticket's page puts beside a form: the words of the person the form answers, from the
// ticket's history, so that nobody has to look them up in it.

// latest is the ticket's last event of kind, or nil.
func (d *TicketDetail) latest(kind string) *EventView {
	for i := len(d.Events) - 1; i >= 0; i-- {
		if d.Events[i].Kind == kind {
			return &d.Events[i]
		}
	}
	return nil
}

// SentBack is the reviewer's send-back (who, when, why) while the reply is 被退回: the clerk's
// form shows it beside the draft.
func (d *TicketDetail) SentBack() *EventView {
	if !d.ReplyRejected {
		return nil
	}
	return d.latest(EventReplyRejected)
}

// PendingRequest is the unit's request waiting for the supervisor (who, when, why), or nil: the
// decision's form shows it.
func (d *TicketDetail) PendingRequest() *EventView {
	switch d.Pending {
	case PendingReturn:
		return d.latest(EventReturnRequested)
	case PendingExtension:
		return d.latest(EventExtensionRequested)
	}
	return nil
}
