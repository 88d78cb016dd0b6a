package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/politiezone/zoneconsole/identity"
)

const cameraUsage = `usage:
  zoneconsole camera credential set NAME --username USER
      store a camera's login in the encrypted credential store; the zone
      file names it with credential = "NAME". The password comes from
      ZONECONSOLE_CAMERA_PASSWORD or the first line of standard input,
      never from the command line.
  zoneconsole camera credential list      names and users, never a password
  zoneconsole camera credential remove NAME
Every change is audited (settings.change) under the machine account.
`

// cmdCamera runs `zoneconsole camera credential set|list|remove`.
func cmdCamera(ctx context.Context, g *globals, args []string) int {
	if len(args) < 2 || args[0] != "credential" {
		fmt.Fprint(g.Stderr, cameraUsage)
		return 2
	}
	sub, args := args[1], args[2:]
	switch sub {
	case "set", "list", "remove":
	case "help", "-h", "--help":
		fmt.Fprint(g.Stdout, cameraUsage)
		return 0
	default:
		fmt.Fprintf(g.Stderr, "zoneconsole camera credential: unknown command %q\n%s", sub, cameraUsage)
		return 2
	}
	fs := subFlags(g, "camera credential "+sub, cameraUsage)
	username := fs.String("username", "", "the camera's user name")
	var name string
	if sub != "list" {
		if len(args) == 0 || strings.HasPrefix(args[0], "-") {
			fs.Usage()
			return 2
		}
		name, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return flagsExit(err)
	}
	if fs.NArg() > 0 || (sub == "set" && *username == "") {
		fs.Usage()
		return 2
	}
	var pw string
	if sub == "set" {
		var err error
		if pw, err = cameraPassword(os.Stdin); err != nil {
			fmt.Fprintf(g.Stderr, "camera credential set: %v\n", err)
			return 2
		}
	}
	adm, done := openShellAdmin(g, "camera credential")
	if adm == nil {
		return 1
	}
	defer done()
	var err error
	switch sub {
	case "set":
		err = adm.SetCameraCredential(ctx, g.DataDir, name, identity.Credential{Username: *username, Password: pw})
	case "remove":
		err = adm.RemoveCameraCredential(ctx, g.DataDir, name)
	case "list":
		var ls []identity.Login
		if ls, err = adm.CameraCredentials(g.DataDir); err == nil {
			for _, l := range ls {
				fmt.Fprintf(g.Stdout, "%s\t%s\n", l.Name, l.Username)
			}
		}
	}
	if err != nil {
		fmt.Fprintf(g.Stderr, "camera credential %s: %v\n", sub, err)
		return 1
	}
	return 0
}

// cameraPassword reads a camera password from ZONECONSOLE_CAMERA_PASSWORD,
// else the first line of r.
func cameraPassword(r io.Reader) (string, error) { return readSecret("ZONECONSOLE_CAMERA_PASSWORD", r) }
