package cap

import "encoding/xml"

// alert is the CAP 1.2 alert element, its children in schema order.
type alert struct {
	XMLName     xml.Name `xml:"urn:oasis:names:tc:emergency:cap:1.2 alert"`
	Identifier  string   `xml:"identifier"`
	Sender      string   `xml:"sender"`
	Sent        string   `xml:"sent"`
	Status      string   `xml:"status"`
	MsgType     string   `xml:"msgType"`
	Scope       string   `xml:"scope"`
	Restriction string   `xml:"restriction,omitempty"`
	Note        string   `xml:"note,omitempty"`
	Info        info     `xml:"info"`
}

// info is the one info block of an alert.
type info struct {
	Language    string `xml:"language"`
	Category    string `xml:"category"`
	Event       string `xml:"event"`
	Urgency     string `xml:"urgency"`
	Severity    string `xml:"severity"`
	Certainty   string `xml:"certainty"`
	Expires     string `xml:"expires,omitempty"`
	SenderName  string `xml:"senderName,omitempty"`
	Headline    string `xml:"headline,omitempty"`
	Description string `xml:"description,omitempty"`
	Instruction string `xml:"instruction,omitempty"`
	Area        area   `xml:"area"`
}

// area is where the call-up applies: the unit and its assembly point.
type area struct {
	AreaDesc string `xml:"areaDesc"`
}
