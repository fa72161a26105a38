// Package contactd holds the domain of the contacts service: the types every
// other package speaks (Contact, Workspace, APIKey, AuditEvent), the service
// interfaces that storage implements and HTTP consumes, and the one error type
// with stable codes.
//
// It imports nothing of ours. Storage lives in store/, HTTP in api/, phone
// normalization in phone/; cmd/contactd wires them together.
package contactd
