package server

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/edit"
)

// apiConflict details a 409: both versions, whole, and where they differ.
type apiConflict struct {
	Head      string                  `json:"head"`
	Base      *string                 `json:"base"`
	Ours      string                  `json:"ours"`
	Theirs    string                  `json:"theirs"`
	Conflicts []content.MergeConflict `json:"conflicts"`
}

// apiDetails is what an API error carries besides its message: every
// invalid field, or both versions of a conflict.
func apiDetails(err error) any {
	var ve *content.ValidationError
	var ce *edit.ConflictError
	switch {
	case errors.As(err, &ce):
		d := apiConflict{Head: string(ce.Head), Ours: string(ce.Ours), Theirs: string(ce.Theirs), Conflicts: ce.Conflicts}
		if ce.Base != nil {
			base := string(ce.Base)
			d.Base = &base
		}
		return d
	case errors.As(err, &ve):
		return fiber.Map{"problems": ve.Problems}
	}
	return nil
}
