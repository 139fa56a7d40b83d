package inspector

import (
	"unicode"
)

// What a page is, for the checks that treat pages by kind: the column finder (a list page is
// a column; an article or a page of text is not, however empty its list) and the 47号
// metadata (a column page must carry ColumnName, an article ArticleTitle and PubDate). One
// reading for both, so that the page the column finder judged as a column is the page whose
// column metadata is asked for.
const (
	minListEntries = 2   // "several entries": one dated link may be an article's related reading
	articleRunes   = 100 // content text that makes a page an article (or a page of text) whatever else it has
	paragraphRunes = 150 // an article's paragraph; a list's summaries are shorter
)

// isListPage: the page lists several dated entries, as a column's page does, and holds no
// paragraph of an article (an article's 相关阅读 list is not a column).
func isListPage(info *pageInfo) bool {
	return info.ListEntries >= minListEntries && !hasParagraph(info)
}

// isTextPage: the page has the content text of an article, or of a page of text, outside its
// navigation and links.
func isTextPage(info *pageInfo) bool {
	return info.textFacts().Runes >= articleRunes
}

// hasParagraph: the page holds a paragraph of an article.
func hasParagraph(info *pageInfo) bool { return info.textFacts().Paragraph }

func textRunes(s string) int {
	n := 0
	for _, r := range s {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}
