package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"zhaocuo/models"
	"zhaocuo/models/circulardoc"
)

// inspectionSource is where circulars read the inspection from: the inspector's rounds, imports
// and findings. The command and Run (for the web side) both take it from here.
func inspectionSource(store *models.Store) models.InspectionSource {
	return models.InspectionTables{Store: store}
}

// circularCommand drafts a region's circular for a period from the data and writes it:
//
//	app circular --region 四川省 --period 2025Q1 --format html|docx|xlsx|json [--out FILE]
func circularCommand(ctx context.Context, cfg *Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("circular", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	region := fs.String("region", "", "")
	period := fs.String("period", "", "")
	format := fs.String("format", "html", "")
	out := fs.String("out", "", "")
	decimals := fs.Int("decimals", models.DefaultDecimals, "")
	cutoff := fs.String("cutoff", "", "")
	deadline := fs.String("deadline", "", "")
	docNumber := fs.String("doc-number", "", "")
	issueDate := fs.String("issue-date", "", "")
	if err := fs.Parse(args); err != nil {
		return usageError{"circular: " + err.Error()}
	}
	switch {
	case fs.NArg() > 0:
		return usageError{fmt.Sprintf("circular: unexpected argument %q", fs.Arg(0))}
	case *region == "":
		return usageError{"circular needs --region (the region's name, e.g. 四川省, or its code)"}
	case *period == "":
		return usageError{"circular needs --period (e.g. 2025Q1, 2025-03 or 2025)"}
	case *format != "html" && *format != "docx" && *format != "xlsx" && *format != "json":
		return usageError{fmt.Sprintf("circular: --format must be html, docx, xlsx or json, not %q", *format)}
	}
	store, err := openStore(ctx, cfg, log, models.SystemClock{})
	if err != nil {
		return err
	}
	defer store.Close()
	r, err := store.FindRegion(ctx, *region)
	if err != nil {
		if models.ErrorKind(err) == models.KindNotFound {
			return usageError{"circular: " + models.ErrorMessage(err)}
		}
		return err
	}
	c, err := store.DraftCircular(ctx, inspectionSource(store), models.CircularRequest{
		Region: r, Period: *period, Decimals: decimals, Cutoff: *cutoff, Deadline: *deadline, IssueDate: *issueDate})
	if err != nil {
		if models.ErrorKind(err) == models.KindInvalid {
			return usageError{fmt.Sprintf("circular: --%s: %s", strings.ReplaceAll(models.ErrorField(err), "_", "-"), models.ErrorMessage(err))}
		}
		return err
	}
	c.Text.DocNumber = *docNumber
	w := stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	doc := circulardoc.Layout(c)
	switch *format {
	case "html":
		err = circulardoc.WriteHTML(w, doc)
	case "docx":
		err = circulardoc.WriteDOCX(w, doc)
	case "xlsx":
		err = circulardoc.WriteXLSX(w, doc, c.Figures.PeriodLabel, c.Figures.RefreshedAt)
	default:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		err = enc.Encode(struct {
			Figures models.CircularFigures `json:"figures"`
			Text    models.CircularText    `json:"text"`
		}{c.Figures, c.Filled()})
	}
	if err != nil && *out != "" {
		os.Remove(*out) // never leave half a file
	}
	return err
}
