package cli

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/identity"
)

func TestHotlistCommand(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	adm, err := identity.OpenShellAdmin(dir, "test", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []app.User{{Name: "admin1", Role: app.RoleAdmin}, {Name: "disp1", Role: app.RoleDispatcher}} {
		if err := adm.AddUser(ctx, u, "correct horse battery"); err != nil {
			t.Fatal(err)
		}
	}
	adm.Close()
	t.Setenv("ZONECONSOLE_PASSWORD", "correct horse battery")

	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	hdr := "plate,country,source,measure,priority,valid_from,valid_until,remarks\n"
	good := write("local.csv", hdr+"1ABC123,BE,local list,stop and check,3,,,\n")
	bad := write("bad.csv", hdr+"1ABC123,BE,local list,stop and check,3,,,\n1AB#123,BE,local list,stop,3,,,\n1ABD123,BE,local list,stop,7,,,\n")

	run := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		env := Env{DataDir: dir, Log: slog.New(slog.DiscardHandler), Stdout: &out, Stderr: &errb}
		return Main(ctx, env, Wiring{}, append([]string{"hotlist"}, args...)), out.String(), errb.String()
	}
	if code, _, _ := run("import", good); code != 2 {
		t.Errorf("import without --user: exit %d, want 2", code)
	}
	code, out, errs := run("import", "--user", "admin1", good)
	if code != 0 || !strings.Contains(out, "list local version 1: 1 entries") {
		t.Fatalf("good import: exit %d, out %q, err %q", code, out, errs)
	}
	code, _, errs = run("import", "--user", "admin1", "--list", "local", bad)
	if code != 1 || !strings.Contains(errs, "bad.csv:line 3: plate:") || !strings.Contains(errs, "bad.csv:line 4: priority:") ||
		!strings.Contains(errs, "nothing imported") {
		t.Fatalf("bad import: exit %d, err %q", code, errs)
	}
	code, _, errs = run("import", "--user", "disp1", good)
	if code != 1 || !strings.Contains(errs, "may not change lists") {
		t.Fatalf("dispatcher import: exit %d, err %q", code, errs)
	}
	code, out, _ = run("versions", "--user", "admin1")
	if code != 0 || strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, "local\t1\t") {
		t.Fatalf("versions: exit %d, out %q", code, out)
	}
}
