package sim

import (
	"strings"

	"github.com/bluenviron/gortsplib/v4"
	"github.com/bluenviron/gortsplib/v4/pkg/base"
	"github.com/bluenviron/gortsplib/v4/pkg/liberrors"
)

// rtspHandler answers the RTSP requests of the zone's server.
type rtspHandler struct {
	z *Zone
	// ready is closed once the cameras exist: the server must listen before
	// the cameras' URLs are known, and a request arriving in between waits.
	ready chan struct{}
}

// lookup maps "/cam01/main" to its stream.
func (h *rtspHandler) lookup(path string) (*camState, *stream) {
	<-h.ready
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) != 2 {
		return nil, nil
	}
	c, ok := h.z.byID[parts[0]]
	if !ok {
		return nil, nil
	}
	for k, n := range streamNames {
		if n == parts[1] {
			return c, c.streams[k]
		}
	}
	return nil, nil
}

// admit checks what every DESCRIBE and SETUP must pass: the path exists,
// the camera is not stopped, and the credentials are right.
func (h *rtspHandler) admit(conn *gortsplib.ServerConn, req *base.Request, path string) (*stream, *base.Response, error) {
	c, st := h.lookup(path)
	if st == nil {
		return nil, &base.Response{StatusCode: base.StatusNotFound}, nil
	}
	if c.pub.Username != "" && !conn.VerifyCredentials(req, c.pub.Username, c.pub.Password) {
		return nil, &base.Response{StatusCode: base.StatusUnauthorized}, liberrors.ErrServerAuth{}
	}
	if Fault(c.fault.Load()) == FaultStop {
		return nil, &base.Response{StatusCode: base.StatusServiceUnavailable}, nil
	}
	return st, &base.Response{StatusCode: base.StatusOK}, nil
}

// OnDescribe implements gortsplib.ServerHandlerOnDescribe.
func (h *rtspHandler) OnDescribe(ctx *gortsplib.ServerHandlerOnDescribeCtx) (*base.Response, *gortsplib.ServerStream, error) {
	st, res, err := h.admit(ctx.Conn, ctx.Request, ctx.Path)
	if st == nil {
		return res, nil, err
	}
	return res, st.ss, nil
}

// OnSetup implements gortsplib.ServerHandlerOnSetup.
func (h *rtspHandler) OnSetup(ctx *gortsplib.ServerHandlerOnSetupCtx) (*base.Response, *gortsplib.ServerStream, error) {
	st, res, err := h.admit(ctx.Conn, ctx.Request, ctx.Path)
	if st == nil {
		return res, nil, err
	}
	if prev, ok := ctx.Session.UserData().(*stream); ok && prev != st {
		return &base.Response{StatusCode: base.StatusBadRequest}, nil, nil
	}
	ctx.Session.SetUserData(st)
	st.setup(ctx.Session)
	return res, st.ss, nil
}

// OnPlay implements gortsplib.ServerHandlerOnPlay.
func (h *rtspHandler) OnPlay(ctx *gortsplib.ServerHandlerOnPlayCtx) (*base.Response, error) {
	st, ok := ctx.Session.UserData().(*stream)
	if !ok {
		return &base.Response{StatusCode: base.StatusBadRequest}, nil
	}
	if Fault(st.cam.fault.Load()) == FaultStop {
		return &base.Response{StatusCode: base.StatusServiceUnavailable}, nil
	}
	st.play(ctx.Session)
	return &base.Response{StatusCode: base.StatusOK}, nil
}

// OnSessionClose implements gortsplib.ServerHandlerOnSessionClose.
func (h *rtspHandler) OnSessionClose(ctx *gortsplib.ServerHandlerOnSessionCloseCtx) {
	if st, ok := ctx.Session.UserData().(*stream); ok {
		st.leave(ctx.Session)
	}
}

// OnPause implements gortsplib.ServerHandlerOnPause: a paused reader does
// not keep the encoder busy.
func (h *rtspHandler) OnPause(ctx *gortsplib.ServerHandlerOnPauseCtx) (*base.Response, error) {
	if st, ok := ctx.Session.UserData().(*stream); ok {
		st.pause(ctx.Session)
	}
	return &base.Response{StatusCode: base.StatusOK}, nil
}
