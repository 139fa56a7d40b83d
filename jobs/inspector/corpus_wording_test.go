package inspector

import "zhaocuo/models/indicator"

// corpusWordingSites are the corpus's sites for wording (禁用词和慎用词, leaders' offices): terms
// the 新华社 list forbids or asks care with, a leader named with an office not held at the page's
// date, and the right uses that hold the same characters.
func corpusWordingSites() []*cSite {
	s := newCSite(36, "示范市外事办公室", false)
	s.extra("/news/a1.html", "<p>市外办组织企业赴北朝鲜参加经贸洽谈会。</p>")
	s.extra("/news/a2.html", "<p>代表团与香港政府有关部门座谈交流。</p>")
	s.extra("/notice/n1.html", "<p>会议传达学习了国务院总理李克强在全国稳住经济大盘电视电话会议上的讲话精神。</p>")
	s.extra("/news/a3.html", "<p>1912年中华民国成立后，市内设商埠局。东北朝鲜族民俗展在市文化馆开幕，与香港特区政府代表团、台湾地区同胞交流。</p>")
	s.faults = []label{
		{indicator.TypeWording, "/news/a1.html"},
		{indicator.TypeWording, "/news/a2.html"},
		{indicator.TypeWording, "/notice/n1.html"}, // dated 2025: 李克强 left the office in 2023
	}
	s.traps = []trap{{indicator.TypeWording, "/news/a3.html",
		"中华民国 in history, 东北朝鲜族, 香港特区政府 and 台湾地区 are right"}}
	return []*cSite{s}
}
