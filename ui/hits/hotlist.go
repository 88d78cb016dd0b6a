package hits

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/look"
)

// hotlistScreen imports a list file (CSV or JSON) through the console, which
// checks and audits it: the result shows the new version or every error
// with its line; below, every version of every list.
type hotlistScreen struct {
	c    ListConsole
	sess *app.Session
	w    fyne.Window
	do   func(func())
	wg   sync.WaitGroup

	list     *widget.Entry
	file     *widget.Label
	pick     *widget.Button
	importB  *widget.Button
	result   *widget.Label
	versions []app.HotlistVersion
	vlist    *widget.List
	// vgen counts the reads of the versions asked for; only the newest
	// one's answer is shown.
	vgen    int
	content fyne.CanvasObject

	picked fyne.URI
}

func newHotlistScreenWith(c ListConsole, sess *app.Session, w fyne.Window, do func(func())) *hotlistScreen {
	s := &hotlistScreen{c: c, sess: sess, w: w, do: do}
	s.list = widget.NewEntry()
	s.list.SetPlaceHolder("national, local, insurance ...")
	s.file = widget.NewLabel(lang.L("hits.lists.nofile"))
	s.pick = widget.NewButtonWithIcon(lang.L("hits.lists.pick"), theme.FolderOpenIcon(), s.choose)
	s.importB = widget.NewButtonWithIcon(lang.L("hits.lists.import"), theme.UploadIcon(), s.importPicked)
	s.importB.Importance = widget.HighImportance
	s.importB.Disable()
	s.result = widget.NewLabel("")
	s.result.Wrapping = fyne.TextWrapWord
	s.result.TextStyle.Monospace = true
	s.vlist = widget.NewList(func() int { return len(s.versions) }, func() fyne.CanvasObject {
		return widget.NewLabel("")
	}, func(i widget.ListItemID, o fyne.CanvasObject) {
		if i >= len(s.versions) {
			return
		}
		v := s.versions[i]
		o.(*widget.Label).SetText(lang.L("hits.lists.version", map[string]any{"List": v.List, "Version": v.Version,
			"Entries": v.Entries, "When": v.ImportedAt.Local().Format("2006-01-02 15:04"), "By": v.ImportedBy,
			"File": v.FileName, "SHA": shortSHA(v.SHA256)}))
	})
	form := widget.NewForm(widget.NewFormItem(lang.L("hits.lists.name"), s.list),
		widget.NewFormItem(lang.L("hits.lists.file"), container.NewBorder(nil, nil, nil, s.pick, s.file)))
	head := widget.NewLabel(lang.L("hits.lists.title"))
	head.TextStyle.Bold = true
	help := widget.NewLabel(lang.L("hits.lists.help"))
	help.Wrapping = fyne.TextWrapWord
	vhead := widget.NewLabel(lang.L("hits.lists.versions"))
	vhead.TextStyle.Bold = true
	top := container.NewVBox(head, help, form, s.importB, container.NewVScroll(s.result))
	s.content = container.NewVSplit(top, container.NewBorder(vhead, nil, nil, nil, s.vlist))
	s.loadVersions()
	return s
}

func shortSHA(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

func (s *hotlistScreen) choose() {
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil || rc == nil {
			return
		}
		rc.Close()
		s.setFile(rc.URI())
	}, s.w)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".csv", ".json"}))
	d.Show()
}

func (s *hotlistScreen) setFile(u fyne.URI) {
	s.picked = u
	s.file.SetText(u.Name())
	if strings.TrimSpace(s.list.Text) == "" {
		s.list.SetText(strings.ToLower(strings.TrimSuffix(u.Name(), u.Extension())))
	}
	s.importB.Enable()
}

func (s *hotlistScreen) importPicked() {
	if s.picked == nil {
		return
	}
	u, list := s.picked, strings.TrimSpace(s.list.Text)
	s.importB.Disable()
	s.result.SetText(lang.L("hits.lists.busy"))
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		var r app.HotlistImport
		rc, err := storage.Reader(u)
		if err == nil {
			r, err = s.c.ImportHotlist(context.Background(), s.sess, list, u.Name(), rc)
			rc.Close()
		}
		vs, verr := s.c.HotlistVersions(context.Background(), s.sess)
		s.do(func() {
			s.result.SetText(importText(r, err))
			s.importB.Enable()
			s.vgen++
			s.showVersions(vs, verr)
		})
	}()
}

// importText is the import's outcome for the screen: the version, or every
// error with its line.
func importText(r app.HotlistImport, err error) string {
	var ve *app.HotlistValidationError
	var de *app.DeniedError
	switch {
	case err == nil:
		return lang.L("hits.lists.done", map[string]any{"List": r.List, "Version": r.Version.Version, "Entries": r.Entries,
			"Added": r.Added, "Removed": r.Removed, "SHA": shortSHA(r.SHA256)})
	case errors.As(err, &ve):
		var b strings.Builder
		b.WriteString(lang.L("hits.lists.rejected", map[string]any{"Count": len(ve.Errors) + ve.Omitted}))
		for _, fe := range ve.Errors {
			b.WriteString("\n")
			if fe.Line > 0 {
				b.WriteString(lang.L("hits.lists.line", map[string]any{"Line": fe.Line}))
				b.WriteString(" ")
			}
			fmt.Fprintf(&b, "%s: %s", fe.Field, fe.Msg)
		}
		return b.String()
	case errors.As(err, &de):
		return look.DeniedText(err)
	case errors.Is(err, app.ErrInvalidList):
		return lang.L("hits.lists.badname")
	}
	return lang.L("hits.error", map[string]any{"Error": err.Error()})
}

// loadVersions reads the list versions off the UI thread (store queries)
// and shows them, unless a newer read was asked for in the meantime.
func (s *hotlistScreen) loadVersions() {
	s.vgen++
	gen := s.vgen
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		vs, err := s.c.HotlistVersions(context.Background(), s.sess)
		s.do(func() {
			if gen == s.vgen {
				s.showVersions(vs, err)
			}
		})
	}()
}

func (s *hotlistScreen) showVersions(vs []app.HotlistVersion, err error) {
	if err != nil {
		s.versions = nil
	} else {
		s.versions = vs
	}
	s.vlist.Refresh()
}

func (s *hotlistScreen) wait() { s.wg.Wait() }
