package regkey

import "testing"

// Codes as companies publish them (百度网讯, 华为技术): their check characters came from the issuer.
func TestValidCredit(t *testing.T) {
	for _, c := range []string{"91110000802100433B", "914403001922038216"} {
		if !ValidCredit(c) {
			t.Errorf("%s refused", c)
		}
	}
	for _, c := range []string{"91510100MA61R8XQ3C", "1151000000891882", "11AB00000089188230", "11510000008918823I"} {
		if ValidCredit(c) {
			t.Errorf("%s accepted", c)
		}
	}
}

func TestFold(t *testing.T) {
	if Fold("ＡＢＣ单位１") != Fold("abc单位1") || Fold("Gov") != Fold("GOV") || Fold("甲") == Fold("乙") {
		t.Error("fold does not match the collation's equal names")
	}
}
