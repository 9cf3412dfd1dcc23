package web

import "github.com/nrmproject/nrm/service"

// MailText words a notification mail in the recipient's language (the
// service's Config.MailText): the kind of thing and the link, nothing more.
func MailText(lang, kind, url string) (string, string) {
	l := newLocalizer(lang)
	body := l.T(service.MailSentences[kind]) + "\r\n\r\n" + l.T("Sign in to see it:") + "\r\n" + url + "\r\n\r\n" +
		l.T("This mail holds no details on purpose. Do not forward it.") + "\r\n"
	return l.T("nrm: something is waiting for you"), body
}
