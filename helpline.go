package nrm

// HelpLine is a way to reach help that the public help page (/help) shows:
// an organisation's published line, never a professional's personal
// contact. Directory entries marked public become help lines.
type HelpLine struct {
	Organisation string   `json:"organisation"`
	Country      string   `json:"country"`
	Languages    []string `json:"languages"` // ISO 639-1
	Areas        []string `json:"areas"`
	Phone        string   `json:"phone,omitempty"`
	Email        string   `json:"email,omitempty"`
	Hours        string   `json:"hours,omitempty"` // when the line answers, as the organisation words it
}
