package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/trail"
)

// CameraLogin is a camera login as an administrator sees it: the name the
// zone file gives (credential = "...") and the user, never the password.
type CameraLogin = identity.Login

// CameraLogins lists the camera logins for an administrator (checked and
// audited: which cameras have which accounts is the zone's security).
func (c *Console) CameraLogins(ctx context.Context, s *Session) ([]CameraLogin, error) {
	if err := c.access.Allow(ctx, s, ActSettings, Resource{Target: "credentials"}, s.Shift, trail.Settings{Change: "credential.list"}); err != nil {
		return nil, err
	}
	return c.creds.List(), nil
}

// SetCameraLogin stores a camera's login (audited first, without the
// password) and reconnects the wall's views of the cameras that use it, so
// a camera that refused the old password shows at once.
func (c *Console) SetCameraLogin(ctx context.Context, s *Session, name, user, password string) error {
	name, user = strings.TrimSpace(name), strings.TrimSpace(user)
	if name == "" || strings.ContainsAny(name, " \t\n") || user == "" || password == "" {
		return errors.New("credential: a name without spaces, a user name and a password are needed")
	}
	if err := c.access.Allow(ctx, s, ActSettings, Resource{Target: "credential:" + name}, s.Shift,
		trail.Settings{Change: "credential.set", User: user}); err != nil {
		return err
	}
	if err := c.creds.Set(name, identity.Credential{Username: user, Password: password}); err != nil {
		return fmt.Errorf("credential %s: %w", name, err)
	}
	c.live.Reconnect(func(cam Camera) bool { return cam.Credential == name })
	return nil
}

// RemoveCameraLogin deletes a camera login (audited first).
func (c *Console) RemoveCameraLogin(ctx context.Context, s *Session, name string) error {
	if _, ok := c.creds.Get(name); !ok {
		return fmt.Errorf("credential %q: %w", name, identity.ErrNoCredential)
	}
	if err := c.access.Allow(ctx, s, ActSettings, Resource{Target: "credential:" + name}, s.Shift,
		trail.Settings{Change: "credential.remove"}); err != nil {
		return err
	}
	return c.creds.Remove(name)
}
