package identity

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// Credential is a camera login.
type Credential struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// Credentials keeps camera logins encrypted (AES-256-GCM) in DATA/credentials.enc.
// The key lives in DATA/keys/credentials.key, readable by the console's own
// account only (0600 in a 0700 directory), so the zone file that operators
// read and edit never holds a password, and a copy of the encrypted file
// alone reveals nothing.
type Credentials struct {
	mu      sync.Mutex
	path    string
	keyPath string
	m       map[string]Credential
}

// OpenCredentials loads (or creates) the credential store in dataDir.
func OpenCredentials(dataDir string) (*Credentials, error) {
	c := &Credentials{
		path:    filepath.Join(dataDir, "credentials.enc"),
		keyPath: filepath.Join(dataDir, "keys", "credentials.key"),
		m:       map[string]Credential{},
	}
	key, err := c.key()
	if err != nil {
		return nil, err
	}
	blob, err := os.ReadFile(c.path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("credential store: %w", err)
	}
	plain, err := open(key, blob)
	if err != nil {
		return nil, fmt.Errorf("credential store %s: cannot decrypt (wrong key file?): %w", c.path, err)
	}
	if err := json.Unmarshal(plain, &c.m); err != nil {
		return nil, fmt.Errorf("credential store %s: %w", c.path, err)
	}
	return c, nil
}

func (c *Credentials) key() ([]byte, error) {
	key, err := os.ReadFile(c.keyPath)
	if err == nil {
		if len(key) != 32 {
			return nil, fmt.Errorf("credential key %s: want 32 bytes, have %d", c.keyPath, len(key))
		}
		return key, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("credential key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(c.keyPath), 0o700); err != nil {
		return nil, fmt.Errorf("credential key: %w", err)
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("credential key: %w", err)
	}
	if err := os.WriteFile(c.keyPath, key, 0o600); err != nil {
		return nil, fmt.Errorf("credential key: %w", err)
	}
	return key, nil
}

// Set stores a credential under name and writes the store atomically.
func (c *Credentials) Set(name string, cred Credential) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[name] = cred
	return c.save()
}

// Get returns the credential stored under name.
func (c *Credentials) Get(name string) (Credential, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cr, ok := c.m[name]
	return cr, ok
}

func (c *Credentials) save() error {
	key, err := c.key()
	if err != nil {
		return err
	}
	plain, err := json.Marshal(c.m)
	if err != nil {
		return err
	}
	blob, err := seal(key, plain)
	if err != nil {
		return err
	}
	tmp := c.path + ".tmp"
	if err := os.WriteFile(tmp, blob, 0o600); err != nil {
		return fmt.Errorf("credential store: %w", err)
	}
	if err := os.Rename(tmp, c.path); err != nil {
		return fmt.Errorf("credential store: %w", err)
	}
	return nil
}

// WithCredential returns the stream URL with the named credential filled in.
// The result is handed to the video source only and never logged or shown.
func (c *Credentials) WithCredential(raw, name string) (string, error) {
	if name == "" {
		return raw, nil
	}
	cred, ok := c.Get(name)
	if !ok {
		return "", fmt.Errorf("credential %q is not in the credential store", name)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("stream URL: %w", err)
	}
	u.User = url.UserPassword(cred.Username, cred.Password)
	return u.String(), nil
}

func seal(key, plain []byte) ([]byte, error) {
	gcm, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return gcm.Seal(nonce, nonce, plain, nil), nil
}

func open(key, blob []byte) ([]byte, error) {
	gcm, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	if len(blob) < gcm.NonceSize() {
		return nil, errors.New("file too short")
	}
	return gcm.Open(nil, blob[:gcm.NonceSize()], blob[gcm.NonceSize():], nil)
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// Login is a credential's name and user, without its password: what a list
// of camera logins may show.
type Login struct {
	Name     string
	Username string
}

// List gives the names and users of the stored credentials, sorted; never
// a password.
func (c *Credentials) List() []Login {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Login, 0, len(c.m))
	for n, cr := range c.m {
		out = append(out, Login{Name: n, Username: cr.Username})
	}
	slices.SortFunc(out, func(a, b Login) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// ErrNoCredential is returned for a credential name the store does not hold.
var ErrNoCredential = errors.New("no such credential")

// Remove deletes a credential and writes the store atomically.
func (c *Credentials) Remove(name string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[name]; !ok {
		return fmt.Errorf("credential %q: %w", name, ErrNoCredential)
	}
	delete(c.m, name)
	return c.save()
}
