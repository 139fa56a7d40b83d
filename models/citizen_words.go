package models

// The words the reporter reads on their ticket's page and in the API, in one place: staff say
// 待分办, 同意退回, 作无效处理; a citizen is told what happens in plain words. Every status and
// every step the reporter sees (publicEventKinds) has its line here.

// CitizenStatus is a status as the reporter reads it: a short label and what happens now.
type CitizenStatus struct {
	Label   string
	Explain string
}

var citizenStatuses = map[string]CitizenStatus{
	StatusTriage:     {"正在确定办理单位", "我们正在确定由哪个单位负责处理您反映的问题，一般在1个工作日内交给该单位。"},
	StatusAssigned:   {"已交办理单位", "您的留言已交给负责该网站的单位，等待其接收办理。"},
	StatusProcessing: {"正在办理", "办理单位已接收您的留言，正在核实处理。"},
	StatusReviewing:  {"答复审核中", "办理单位已写好答复，正在内部审核，审核通过后您即可在此看到答复。"},
	StatusClosed:     {"已答复", "办理单位已答复，答复见下方。"},
	StatusInvalid:    {"不予办理", "经核实，您的留言不属于本平台受理范围或无法办理，原因见下方“处理说明”。该留言不会再交给任何单位。"},
	StatusLinked:     {"与相同问题合并办理", "您反映的问题与他人此前反映的问题相同，已合并办理：该问题答复后，答复将一并告知您。如那条留言未获答复，您的留言将恢复单独办理。"},
}

// CitizenStatusOf returns a status as the reporter reads it.
func CitizenStatusOf(status string) CitizenStatus {
	if s, ok := citizenStatuses[status]; ok {
		return s
	}
	return CitizenStatus{Label: StatusLabel(status)}
}

var citizenEvents = map[string]string{
	EventReceived:          "您提交了留言",
	EventAssigned:          "交由办理单位处理",
	EventAccepted:          "办理单位已接收",
	EventExtended:          "办理单位申请延长答复期限，已获批准",
	EventReturned:          "原单位说明该问题不归其负责，正在重新确定办理单位",
	EventApproved:          "办理单位已答复",
	EventInvalidated:       "经核实不予办理",
	EventReopened:          "主管部门要求办理单位重新办理",
	EventClosedWithPrimary: "相同问题已答复，一并告知您",
	EventRated:             "您评价了答复",
	EventLinked:            "与他人反映的相同问题合并办理",
	EventUnlinked:          "不再合并，单独办理",
	EventReleased:          "合并的留言未获答复，恢复单独办理",
	EventFollowedUp:        "您追问了办理单位",
}

// CitizenEventLabel returns a step of the ticket's history as the reporter reads it.
func CitizenEventLabel(kind string) string {
	if l, ok := citizenEvents[kind]; ok {
		return l
	}
	return EventLabel(kind)
}
