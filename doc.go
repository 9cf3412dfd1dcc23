// Package nrm holds the domain of a National Referral Mechanism: organisations,
// users and their roles, cases and the people they are about, the rules of
// access and of the case lifecycle, and the errors that cross the layers.
//
// It imports nothing else of nrm. The service layer (package service) applies
// these rules to every read and write; sqlstore persists; keyring seals
// personal data; auditlog keeps the tamper-evident record; web and api are the
// two faces over HTTP; cmd/nrm wires them together.
package nrm
