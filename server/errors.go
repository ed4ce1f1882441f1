package server

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/accounts"
	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/edit"
)

// apiError is the one shape of every JSON API error.
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Status  int    `json:"status"`
	Code    string `json:"code"`    // stable, for machines
	Message string `json:"message"` // French, for people
	Details any    `json:"details,omitempty"`
}

// httpError is an error a handler returns to choose the status, the code
// and the French message shown to the person.
type httpError struct {
	status  int
	code    string
	message string
	key     string // or the catalogue key of the message, with its arguments
	args    []any
	err     error // cause, for the log; may be nil
}

func (e *httpError) Error() string {
	if e.err != nil {
		return e.code + ": " + e.err.Error()
	}
	return e.code + ": " + e.message
}

func (e *httpError) Unwrap() error { return e.err }

func badRequest(code, message string) error {
	return &httpError{status: fiber.StatusBadRequest, code: code, message: message}
}

// badParam is a 400 whose message is the catalogue's text of key: the
// request parsers that report it have no Server to translate with.
func badParam(code, key string, args ...any) error {
	return &httpError{status: fiber.StatusBadRequest, code: code, key: key, args: args}
}

// classify maps an error to its HTTP status, machine code and the message
// key of its French text. It is the only place that knows this mapping.
func (s *Server) classify(err error) (status int, code, message string) {
	msgs := s.cfg.Theme.Messages()
	var he *httpError
	var fe *fiber.Error
	switch {
	case errors.As(err, &he):
		if he.key != "" {
			return he.status, he.code, msgs.T(he.key, he.args...)
		}
		return he.status, he.code, he.message
	case errors.Is(err, edit.ErrForbidden):
		return fiber.StatusForbidden, "forbidden", msgs.T("apipages.forbidden")
	case errors.As(err, new(*edit.ConflictError)):
		return fiber.StatusConflict, "conflict", msgs.T("apipages.conflict")
	case errors.Is(err, edit.ErrExists):
		return fiber.StatusConflict, "exists", msgs.T("apipages.exists")
	case errors.Is(err, content.ErrConflict):
		return fiber.StatusConflict, "busy", msgs.T("apipages.busy")
	case errors.As(err, new(*content.ValidationError)):
		return fiber.StatusUnprocessableEntity, "invalid", msgs.T("apipages.invalid")
	case errors.Is(err, content.ErrNotFound), errors.Is(err, content.ErrInvalidPath):
		return fiber.StatusNotFound, "not_found", msgs.T("error.404.text")
	case errors.Is(err, content.ErrTooLarge):
		return fiber.StatusRequestEntityTooLarge, "too_large", msgs.T("edit.error.request_too_large")
	case errors.Is(err, content.ErrInvalid):
		return fiber.StatusUnprocessableEntity, "invalid", msgs.T("error.invalid.text")
	case errors.As(err, &fe):
		switch fe.Code {
		case fiber.StatusNotFound:
			return fe.Code, "not_found", msgs.T("error.404.text")
		case fiber.StatusMethodNotAllowed:
			return fe.Code, "method_not_allowed", msgs.T("error.400.text")
		case fiber.StatusRequestEntityTooLarge:
			return fe.Code, "too_large", msgs.T("edit.error.request_too_large")
		}
		if fe.Code < 500 {
			return fe.Code, "bad_request", msgs.T("error.400.text")
		}
	}
	if status, code, key, ok := accountError(err); ok {
		return status, code, msgs.T(key)
	}
	return fiber.StatusInternalServerError, "internal", msgs.T("error.500.text")
}

// accountError maps an error of the accounts package that a handler did
// not handle itself to a status, a code and the catalogue key of its
// message. The errors' own texts are for the command line's operators and
// the logs: the server shows its catalogue's.
func accountError(err error) (status int, code, key string, ok bool) {
	switch {
	case errors.Is(err, accounts.ErrNotFound):
		return fiber.StatusNotFound, "not_found", "error.404.text", true
	case errors.Is(err, accounts.ErrExpired):
		return fiber.StatusNotFound, "not_found", "link.expired.text", true
	case errors.Is(err, accounts.ErrBadCredentials):
		return fiber.StatusUnauthorized, "unauthorized", "auth.error.credentials", true
	case errors.Is(err, accounts.ErrDisabled):
		return fiber.StatusForbidden, "forbidden", "auth.error.disabled", true
	case errors.Is(err, accounts.ErrForbidden):
		return fiber.StatusForbidden, "forbidden", "auth.error.forbidden", true
	case errors.Is(err, accounts.ErrExists):
		return fiber.StatusConflict, "exists", "invite.error.exists", true
	case errors.Is(err, accounts.ErrWeakPassword):
		return fiber.StatusUnprocessableEntity, "invalid", "account.error.weak", true
	case errors.Is(err, accounts.ErrInvalid):
		return fiber.StatusUnprocessableEntity, "invalid", "error.400.text", true
	}
	return 0, "", "", false
}

// handleError is Fiber's error handler: a JSON body under /api/, an HTML
// error page elsewhere. Internal details go to the log, never to the client.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	status, code, message := s.classify(err)
	if status >= 500 {
		s.log.Error("request failed", "method", c.Method(), "path", loggedPath(c), "err", err)
	}
	setSecurityHeaders(c)
	c.Set(fiber.HeaderCacheControl, "no-store")
	if strings.HasPrefix(c.Path(), "/api/") {
		return c.Status(status).JSON(apiError{Error: apiErrorBody{Status: status, Code: code, Message: message, Details: apiDetails(err)}})
	}
	title := s.cfg.Theme.Messages().T("error.500.title")
	switch {
	case status == fiber.StatusNotFound:
		title = s.cfg.Theme.Messages().T("error.404.title")
	case status == fiber.StatusForbidden:
		title = s.t("auth.error.forbidden.title")
	case status == fiber.StatusUnauthorized:
		title = s.t("auth.error.signin.title")
	case status < 500:
		title = s.cfg.Theme.Messages().T("error.400.title")
	}
	v := s.view(c, title, errorView{Message: message})
	v.NoIndex = true
	if renderErr := s.render(c, status, "error", v); renderErr != nil {
		s.log.Error("render error page", "err", renderErr)
		return c.Status(status).SendString(message)
	}
	return nil
}

type errorView struct {
	Message string
	Create  string // name of a missing page a wiki link points to
}
