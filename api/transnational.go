package api

import (
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/exchange"
	"github.com/nrmproject/nrm/service"
)

// Transnational referral: referrals to partner instances, the public
// inbox, incoming referrals and follow-ups (CONTRACT.md, "Transnational
// referral"). Every decision is the service's.

type transnationalInput = service.TransnationalInput

type transnationalCreatedJSON struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

type partnerFollowUpJSON struct {
	ID          string    `json:"id"`
	ReceivedAt  time.Time `json:"received_at"`
	Date        string    `json:"date,omitempty"`
	Report      string    `json:"report,omitempty"`
	ContentHash string    `json:"content_hash"`
}

type transnationalJSON struct {
	ID          string                `json:"id"`
	CaseID      string                `json:"case_id"`
	PartnerID   string                `json:"partner_id"`
	Partner     string                `json:"partner"`
	ConsentID   string                `json:"consent_id,omitempty"`
	Scope       []string              `json:"scope"`
	Status      string                `json:"status"`
	Reason      string                `json:"reason,omitempty"`
	Response    string                `json:"response,omitempty"`
	ContentHash string                `json:"content_hash"`
	CreatedAt   time.Time             `json:"created_at"`
	SentAt      *time.Time            `json:"sent_at,omitempty"`
	RespondedAt *time.Time            `json:"responded_at,omitempty"`
	FollowUps   []partnerFollowUpJSON `json:"follow_ups"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func (a *API) referAbroad(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in transnationalInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	t, err := a.svc.ReferAbroad(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, transnationalCreatedJSON{ID: t.ID, Status: t.Status}, nil
}

func (a *API) getTransnational(w http.ResponseWriter, r *http.Request) (int, any, error) {
	t, err := a.svc.TransnationalReferral(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	out := transnationalJSON{ID: t.ID, CaseID: t.CaseID, PartnerID: t.PartnerID, Partner: t.Partner, ConsentID: t.ConsentID,
		Scope: scopeList(t.Scope), Status: t.Status, Reason: t.Reason, Response: t.Response, ContentHash: t.ContentHash,
		CreatedAt: t.CreatedAt, SentAt: timePtr(t.SentAt), RespondedAt: timePtr(t.RespondedAt), FollowUps: []partnerFollowUpJSON{}}
	for _, f := range t.FollowUps {
		out.FollowUps = append(out.FollowUps, partnerFollowUpJSON{ID: f.ID, ReceivedAt: f.ReceivedAt, Date: f.Date, Report: f.Report, ContentHash: f.ContentHash})
	}
	return http.StatusOK, out, nil
}

type inboxAcceptedJSON struct {
	Status      string `json:"status"`
	Kind        string `json:"kind"`
	ContentHash string `json:"content_hash"`
}

type inboxRefusalJSON struct {
	Error inboxRefusalDetail `json:"error"`
}

type inboxRefusalDetail struct {
	Code    string `json:"code"`
	Reason  string `json:"reason"`
	Message string `json:"message"`
}

// exchangeInbox answers POST /api/v1/exchange/inbox: public, as a packet is
// authenticated by its signature. A refusal is a 4xx naming its reason.
func (a *API) exchangeInbox(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, exchange.MaxPacketSize+1))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		body = make([]byte, exchange.MaxPacketSize+1) // Parse refuses it as too large, and it is audited
	} else if err != nil {
		a.writeError(w, r, &malformedError{nrm.Invalid("body", "the packet could not be read")})
		return
	}
	got, err := a.svc.Receive(r.Context(), body, false)
	var rf *service.RefusedError
	if errors.As(err, &rf) {
		code := nrm.CodeInvalid
		switch rf.Status {
		case http.StatusForbidden:
			code = nrm.CodeForbidden
		case http.StatusConflict:
			code = nrm.CodeConflict
		}
		writeJSON(w, rf.Status, inboxRefusalJSON{inboxRefusalDetail{Code: code, Reason: rf.Reason, Message: rf.Message}})
		return
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, inboxAcceptedJSON{Status: "received", Kind: got.Kind, ContentHash: got.ContentHash})
}

type incomingJSON struct {
	ID          string    `json:"id"`
	Partner     string    `json:"partner"`
	Country     string    `json:"country"`
	ReceivedAt  time.Time `json:"received_at"`
	Status      string    `json:"status"`
	Reason      string    `json:"reason"`
	Reference   string    `json:"reference"`
	FromOrg     string    `json:"from_org"`
	Scope       []string  `json:"scope"`
	Child       bool      `json:"child"`
	CaseID      string    `json:"case_id,omitempty"`
	ContentHash string    `json:"content_hash"`
}

func toIncomingJSON(in service.Incoming) incomingJSON {
	sc := in.Scope
	if sc == nil {
		sc = []string{}
	}
	return incomingJSON{ID: in.ID, Partner: in.Partner, Country: in.Country, ReceivedAt: in.ReceivedAt, Status: in.Status,
		Reason: in.Reason, Reference: in.Reference, FromOrg: in.FromOrg, Scope: sc, Child: in.Child, CaseID: in.CaseID,
		ContentHash: in.ContentHash}
}

func (a *API) listIncoming(w http.ResponseWriter, r *http.Request) (int, any, error) {
	ins, err := a.svc.IncomingReferrals(r.Context())
	if err != nil {
		return 0, nil, err
	}
	out := itemsJSON[incomingJSON]{Items: make([]incomingJSON, 0, len(ins))}
	for _, in := range ins {
		out.Items = append(out.Items, toIncomingJSON(in))
	}
	return http.StatusOK, out, nil
}

type acceptIncomingInput struct {
	AssignToOrg string `json:"assign_to_org"`
}

type incomingAnsweredJSON struct {
	Status string `json:"status"`
	CaseID string `json:"case_id,omitempty"`
}

func (a *API) acceptIncoming(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in acceptIncomingInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	got, err := a.svc.AcceptIncoming(r.Context(), r.PathValue("id"), in.AssignToOrg)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, incomingAnsweredJSON{Status: got.Status, CaseID: got.CaseID}, nil
}

func (a *API) declineIncoming(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in nrm.ResponseInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	got, err := a.svc.DeclineIncoming(r.Context(), r.PathValue("id"), in.Reason)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, incomingAnsweredJSON{Status: got.Status}, nil
}

type followUpSentJSON struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

func (a *API) sendFollowUp(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in service.FollowUpInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	item, err := a.svc.SendFollowUp(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return 0, nil, err
	}
	status := nrm.TransQueued
	if item.Status == nrm.OutboxDelivered {
		status = nrm.TransSent
	}
	return http.StatusCreated, followUpSentJSON{ID: item.PacketID, Status: status}, nil
}
