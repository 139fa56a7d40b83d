package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"zhaocuo/models"
)

// seedEmbedded loads the demo data into the one-command default's database on first start, and
// prints the demo logins on every start. The generated password is kept under DATA_DIR so the
// logins printed stay true from one start to the next.
func seedEmbedded(ctx context.Context, cfg *Config, store *models.Store, out io.Writer) error {
	path := filepath.Join(cfg.DataDir, "demo-password")
	stored := ""
	if b, err := os.ReadFile(path); err == nil {
		stored = strings.TrimSpace(string(b))
	}
	password := cfg.DemoPassword
	if password == "" {
		password = stored
	}
	if password == "" {
		password = randomPassword()
	}
	empty, err := store.RegistryIsEmpty(ctx)
	if err != nil {
		return err
	}
	if empty || password != stored {
		counts, err := store.SeedDemo(ctx, password)
		if err != nil {
			return fmt.Errorf("DEMO_PASSWORD: %w", err)
		}
		if err := os.WriteFile(path, []byte(password+"\n"), 0o600); err != nil {
			return fmt.Errorf("DATA_DIR: keep the demo password: %w", err)
		}
		if empty {
			fmt.Fprintf(out, "Demo data loaded: %d regions, %d units, %d websites, %d 新媒体 accounts.\n",
				counts.Regions, counts.Units, counts.Websites, counts.Accounts)
		}
	}
	printLogins(out, password)
	return nil
}

func printLogins(out io.Writer, password string) {
	fmt.Fprintf(out, "Demo logins (password %s):\n", password)
	for _, u := range models.DemoUsers() {
		fmt.Fprintf(out, "  %-15s %s\n", u.Username, u.DisplayName)
	}
}

// randomPassword gives 12 characters with letters and digits, easy to read off a console.
func randomPassword() string {
	const letters, digits = "abcdefghjkmnpqrstuvwxyz", "23456789"
	b := make([]byte, 12)
	rand.Read(b)
	for i := range b {
		if i%4 == 3 {
			b[i] = digits[int(b[i])%len(digits)]
		} else {
			b[i] = letters[int(b[i])%len(letters)]
		}
	}
	return string(b)
}
