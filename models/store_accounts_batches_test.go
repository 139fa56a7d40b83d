package models

import (
	"strings"
	"testing"
)

// A sheet's rows are stored in INSERTs that MySQL's max_allowed_packet (4 MB on older servers)
// accepts however long their cells are, every row once and in order.
func TestUploadBatchesStayUnderThePacketLimit(t *testing.T) {
	long := strings.Repeat("文", 10000) // a cell at the sheet reader's limit: 30,000 bytes
	tests := []struct {
		name        string
		rows        []UploadedAccount
		wantBatches int
	}{
		{"a short sheet in one", rowsOf(3, ""), 1},
		{"many short rows, 200 at a time", rowsOf(450, ""), 3},
		{"long cells, 17 rows (1 MB) at a time", rowsOf(200, long), 12},
		{"no rows", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			batches := uploadBatches(tt.rows)
			if len(batches) != tt.wantBatches {
				t.Fatalf("%d batches, want %d", len(batches), tt.wantBatches)
			}
			next := 0
			for _, b := range batches {
				size := 0
				for _, r := range b {
					if r.ID != int64(next) {
						t.Fatalf("row %d where row %d was next", r.ID, next)
					}
					next++
					size += len(r.Name) + len(r.MenuLinks) + len(r.RecentPosts)
				}
				if len(b) == 0 || len(b) > 200 || size > 1<<20 {
					t.Fatalf("a batch of %d rows, %d bytes", len(b), size)
				}
			}
			if next != len(tt.rows) {
				t.Fatalf("%d rows stored of %d", next, len(tt.rows))
			}
		})
	}
}

func rowsOf(n int, cell string) []UploadedAccount {
	rows := make([]UploadedAccount, n)
	for i := range rows {
		rows[i] = UploadedAccount{ID: int64(i), Name: "号", Platform: "微信", MenuLinks: cell, RecentPosts: cell}
	}
	return rows
}
