package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"zhaocuo/jobs/accountsheet"
	"zhaocuo/models"
	"zhaocuo/models/registrysheet"
)

const registryUsage = `  registry gen --out FILE.xlsx [--changed 0.01]
                            write a large province's registry (1,100 sites, 5,000 accounts,
                            5,000 units, 6,000 users) as an import workbook; --changed alters
                            that share of each kind's rows (the re-import benchmark)
  registry import [--as admin] [--check-only] FILE...
                            check and apply a registry import (XLSX or CSV files) as the named
                            administrator, printing the plan and the time each step took; the
                            new users' initial passwords are written to stdout once
  registry export --out FILE.xlsx [--as admin]
                            write the registry as an import workbook
`

// registryCommand is the registry's import and export from the command line, and the
// benchmark's generator (docs/benchmarks.md, "Registry import").
func registryCommand(ctx context.Context, cfg *Config, log *slog.Logger, args []string, out io.Writer) error {
	if len(args) == 0 {
		return usageError{"registry needs gen, import or export"}
	}
	fs := flag.NewFlagSet("registry "+args[0], flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	outFile := fs.String("out", "", "the file to write")
	changed := fs.Float64("changed", 0, "share of rows changed")
	as := fs.String("as", "admin", "the administrator who imports")
	checkOnly := fs.Bool("check-only", false, "check, do not apply")
	if err := fs.Parse(args[1:]); err != nil {
		return usageError{err.Error()}
	}
	switch args[0] {
	case "gen":
		if *outFile == "" || *changed < 0 || *changed > 1 {
			return usageError{"registry gen needs --out FILE.xlsx and --changed between 0 and 1"}
		}
		book := registrysheet.Generate(registrysheet.ProvinceSize, *changed)
		return writeBook(*outFile, book, "登记信息（生成的测试数据）", out)
	case "import", "export":
	default:
		return usageError{"registry needs gen, import or export"}
	}
	store, err := openStore(ctx, cfg, log, models.SystemClock{})
	if err != nil {
		return err
	}
	defer store.Close()
	admin, err := store.RegistryAdmin(ctx, *as)
	if err != nil {
		return fmt.Errorf("administrator %q: %w", *as, err)
	}
	if args[0] == "export" {
		if *outFile == "" {
			return usageError{"registry export needs --out FILE.xlsx"}
		}
		book, err := store.RegistryBook(ctx, admin)
		if err != nil {
			return err
		}
		title := "登记信息"
		if regions, err := store.Regions(ctx); err == nil && admin.RegionID != nil {
			for _, r := range regions {
				if r.ID == *admin.RegionID {
					title = r.Name + " 登记信息"
				}
			}
		}
		return writeBook(*outFile, book, title, out)
	}
	if fs.NArg() == 0 {
		return usageError{"registry import needs the files"}
	}
	return importRegistry(ctx, store, admin, fs.Args(), *checkOnly, out)
}

func writeBook(path string, book *registrysheet.Book, title string, out io.Writer) error {
	var buf bytes.Buffer
	if err := registrysheet.WriteXLSX(&buf, book, title, time.Now().In(models.Shanghai)); err != nil {
		return err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(out, "%s: %d regions, %d units, %d websites, %d accounts, %d users (%d KB)\n", path, len(book.Regions), len(book.Units),
		len(book.Websites), len(book.Accounts), len(book.Users), buf.Len()>>10)
	return nil
}

func importRegistry(ctx context.Context, store *models.Store, admin *models.User, files []string, checkOnly bool, out io.Writer) error {
	start := time.Now()
	var sheets []registrysheet.Sheet
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		read, err := accountsheet.ReadWorkbook(f, filepath.Base(name))
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		for _, s := range read {
			sheets = append(sheets, registrysheet.Sheet{Name: s.Name, Rows: s.Rows})
		}
	}
	read := time.Since(start)
	plan, err := store.PlanRegistryImport(ctx, admin, filepath.Base(files[0]), sheets)
	if err != nil {
		return err
	}
	checked := time.Since(start)
	for _, p := range plan.Problems {
		fmt.Fprintln(out, p.String())
	}
	if len(plan.Problems) > 0 {
		return fmt.Errorf("%d problems: nothing imported", len(plan.Problems))
	}
	for _, k := range registrysheet.Kinds {
		c := plan.Counts[k]
		fmt.Fprintf(out, "%s: %d new, %d changed, %d unchanged\n", k.Title(), c.New, c.Changed, c.Unchanged)
	}
	fmt.Fprintf(out, "read %.2fs, checked %.2fs (plan #%d)\n", read.Seconds(), (checked - read).Seconds(), plan.ID)
	if checkOnly {
		return nil
	}
	res, err := store.ApplyRegistryImport(ctx, admin, plan.ID)
	if err != nil {
		return err
	}
	total := time.Since(start)
	fmt.Fprintf(out, "applied %.2fs: %d registry events; total %.2fs\n", (total - checked).Seconds(), res.Events, total.Seconds())
	if len(res.Passwords) > 0 {
		fmt.Fprintf(out, "%d initial passwords (shown once; each must be changed at the first sign-in):\n", len(res.Passwords))
		for _, p := range res.Passwords {
			fmt.Fprintf(out, "%s\t%s\n", p.Username, p.Password)
		}
	}
	return nil
}
