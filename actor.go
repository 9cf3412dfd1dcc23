package nrm

import "context"

// Actor is who is asking: a signed-in user, or the operator at the command line.
type Actor struct {
	UserID  string
	OrgID   string
	OrgKind OrgKind
	Role    Role
	// System is the operator with access to the data directory (the nrm
	// command's own subcommands). It administers organisations, users and
	// keys, and never reads a case through the service.
	System bool
}

// SystemActor is the operator at the command line.
var SystemActor = Actor{UserID: "system", System: true}

type actorKey struct{}
type requestIDKey struct{}

// WithActor returns a context that carries the actor for the service layer.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx; ok is false for an anonymous request.
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}

// WithRequestID tags a context with the request id that the audit log records.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

func RequestID(ctx context.Context) string {
	s, _ := ctx.Value(requestIDKey{}).(string)
	return s
}
