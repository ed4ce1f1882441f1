package server

import (
	"github.com/aiguillage/aiguillage/edit"
	"github.com/aiguillage/aiguillage/proposals"
	"github.com/aiguillage/aiguillage/themes"
)

// The texts the server writes into the repository's history — default
// commit messages, decision subjects, the author of an anonymous report —
// come from the catalogue, in the server's language, like its pages.

// editTexts are the editor's default commit messages.
func editTexts(m themes.Messages) edit.Texts {
	return edit.Texts{
		Save:   m.T("repository.commit.save"),
		Create: m.T("repository.commit.create"),
		Delete: m.T("repository.commit.delete"),
		Verify: m.T("repository.commit.verify"),
		Rename: m.T("repository.commit.rename"),
		Revert: m.T("repository.commit.revert"),
	}
}

// ProposalTexts are the subjects of decision commits in the language of
// theme's catalogue. The proposal queue is built before the server (the
// command opens it): give the queue the texts of the server's theme.
func ProposalTexts(theme *themes.Theme) proposals.Texts {
	m := theme.Messages()
	return proposals.Texts{
		Accepted: m.T("repository.proposal.accepted"),
		Declined: m.T("repository.proposal.declined"),
		Closed:   m.T("repository.report.closed"),
	}
}
