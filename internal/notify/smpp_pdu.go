package notify

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// The SMPP 3.4 PDUs muster speaks, as an ESME bound as a transceiver.
const (
	smppGenericNack     uint32 = 0x80000000
	smppBindTransceiver uint32 = 0x00000009
	smppSubmitSM        uint32 = 0x00000004
	smppDeliverSM       uint32 = 0x00000005
	smppUnbind          uint32 = 0x00000006
	smppEnquireLink     uint32 = 0x00000015
	smppResponse        uint32 = 0x80000000 // the bit that makes a command its response
)

// SMPP 3.4 command_status values muster acts on (section 5.1.3).
const (
	smppOK            uint32 = 0x00000000
	smppRInvMsgLen    uint32 = 0x00000001
	smppRInvCmdID     uint32 = 0x00000003
	smppRSysErr       uint32 = 0x00000008
	smppRInvDstAdr    uint32 = 0x0000000B
	smppRBindFail     uint32 = 0x0000000D
	smppRInvPaswd     uint32 = 0x0000000E
	smppRInvSysID     uint32 = 0x0000000F
	smppRMsgQFul      uint32 = 0x00000014
	smppRInvEsmClass  uint32 = 0x00000043
	smppRInvDstTON    uint32 = 0x00000050
	smppRInvDstNPI    uint32 = 0x00000051
	smppRThrottled    uint32 = 0x00000058
	smppRInvDCS       uint32 = 0x00000104
	smppRXTAppn       uint32 = 0x00000064 // ESME receiver temporary error: the SMSC delivers again
	smppRInvSysTyp    uint32 = 0x00000053
	smppMaxPDU               = 64 << 10 // far above any PDU muster takes
	smppHeaderLen            = 16
	smppInterfaceV34  byte   = 0x34
	smppEsmUDHI       byte   = 0x40 // esm_class: short_message starts with a UDH
	smppEsmReceipt    byte   = 0x04 // esm_class message type: SMSC delivery receipt
	smppEsmTypeMask   byte   = 0x3C
	smppCodingGSM     byte   = 0x00
	smppCodingLatin1  byte   = 0x03
	smppCodingUCS2    byte   = 0x08
	smppCodingIA5     byte   = 0x01
	smppReceiptWanted byte   = 0x01 // registered_delivery: a receipt on success or failure
)

// smppStatusText names the command_status values an operator may meet.
var smppStatusText = map[uint32]string{
	smppRInvMsgLen: "ESME_RINVMSGLEN (message length is invalid)", smppRInvCmdID: "ESME_RINVCMDID (invalid command)",
	smppRSysErr: "ESME_RSYSERR (system error)", smppRInvDstAdr: "ESME_RINVDSTADR (invalid destination address)",
	smppRBindFail: "ESME_RBINDFAIL (bind failed)", smppRInvPaswd: "ESME_RINVPASWD (invalid password)",
	smppRInvSysID: "ESME_RINVSYSID (invalid system_id)", smppRMsgQFul: "ESME_RMSGQFUL (message queue full)",
	smppRInvEsmClass: "ESME_RINVESMCLASS (invalid esm_class)", smppRInvDstTON: "ESME_RINVDSTTON (invalid destination TON)",
	smppRInvDstNPI: "ESME_RINVDSTNPI (invalid destination NPI)", smppRThrottled: "ESME_RTHROTTLED (throttling error)",
	smppRInvDCS: "ESME_RINVDCS (invalid data coding)", smppRXTAppn: "ESME_RX_T_APPN (temporary application error)",
	smppRInvSysTyp: "ESME_RINVSYSTYP (invalid system_type)",
}

// smppStatusError is a refusal by the SMSC.
type smppStatusError struct {
	Command string
	Status  uint32
}

func (e *smppStatusError) Error() string {
	name, ok := smppStatusText[e.Status]
	if !ok {
		name = fmt.Sprintf("command_status 0x%08X", e.Status)
	}
	return "smpp: " + e.Command + " refused: " + name
}

// smppPDU is one PDU: the header and the body after it.
type smppPDU struct {
	ID, Status, Seq uint32
	Body            []byte
}

// readPDU reads one PDU.
func readPDU(r io.Reader) (smppPDU, error) {
	var h [smppHeaderLen]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return smppPDU{}, err
	}
	n := binary.BigEndian.Uint32(h[0:])
	if n < smppHeaderLen || n > smppMaxPDU {
		return smppPDU{}, fmt.Errorf("smpp: PDU of %d bytes", n)
	}
	p := smppPDU{ID: binary.BigEndian.Uint32(h[4:]), Status: binary.BigEndian.Uint32(h[8:]), Seq: binary.BigEndian.Uint32(h[12:]),
		Body: make([]byte, n-smppHeaderLen)}
	if _, err := io.ReadFull(r, p.Body); err != nil {
		return smppPDU{}, err
	}
	return p, nil
}

// bytes encodes the PDU for the wire.
func (p smppPDU) bytes() []byte {
	b := make([]byte, smppHeaderLen, smppHeaderLen+len(p.Body))
	binary.BigEndian.PutUint32(b[0:], uint32(smppHeaderLen+len(p.Body)))
	binary.BigEndian.PutUint32(b[4:], p.ID)
	binary.BigEndian.PutUint32(b[8:], p.Status)
	binary.BigEndian.PutUint32(b[12:], p.Seq)
	return append(b, p.Body...)
}

// smppBody builds a PDU body field by field.
type smppBody struct{ bytes.Buffer }

// cstring appends a C-Octet String: s and a NUL.
func (b *smppBody) cstring(s string) *smppBody {
	b.WriteString(s)
	b.WriteByte(0)
	return b
}

func (b *smppBody) u8(v ...byte) *smppBody {
	b.Write(v)
	return b
}

// smppFields reads a PDU body field by field; the first error sticks.
type smppFields struct {
	b   []byte
	err error
}

var errSMPPShort = errors.New("smpp: PDU body ends too soon")

func (f *smppFields) cstring() string {
	if f.err != nil {
		return ""
	}
	i := bytes.IndexByte(f.b, 0)
	if i < 0 {
		f.err = errSMPPShort
		return ""
	}
	s := string(f.b[:i])
	f.b = f.b[i+1:]
	return s
}

func (f *smppFields) u8() byte {
	if f.err != nil || len(f.b) < 1 {
		f.err = cmpErr(f.err, errSMPPShort)
		return 0
	}
	v := f.b[0]
	f.b = f.b[1:]
	return v
}

func (f *smppFields) take(n int) []byte {
	if f.err != nil || len(f.b) < n {
		f.err = cmpErr(f.err, errSMPPShort)
		return nil
	}
	v := f.b[:n]
	f.b = f.b[n:]
	return v
}

func cmpErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

// smppShortMessage is the message part of a submit_sm or deliver_sm.
type smppShortMessage struct {
	SourceTON, SourceNPI byte
	Source               string
	DestTON, DestNPI     byte
	Dest                 string
	EsmClass             byte
	RegisteredDelivery   byte
	DataCoding           byte
	Message              []byte // the UDH, if any, and the text
}

// encode returns the body of a submit_sm (or deliver_sm) carrying m.
func (m smppShortMessage) encode() []byte {
	var b smppBody
	b.cstring("") // service_type: the SMSC's default
	b.u8(m.SourceTON, m.SourceNPI).cstring(m.Source)
	b.u8(m.DestTON, m.DestNPI).cstring(m.Dest)
	b.u8(m.EsmClass, 0, 0)                                               // protocol_id, priority_flag
	b.cstring("").cstring("")                                            // schedule_delivery_time, validity_period: at once, the SMSC's default
	b.u8(m.RegisteredDelivery, 0, m.DataCoding, 0, byte(len(m.Message))) // replace_if_present_flag, sm_default_msg_id, sm_length
	b.Write(m.Message)
	return b.Bytes()
}

// decodeShortMessage reads the body of a deliver_sm (or submit_sm). A
// message_payload TLV stands in for an empty short_message.
func decodeShortMessage(body []byte) (smppShortMessage, error) {
	f := &smppFields{b: body}
	var m smppShortMessage
	f.cstring() // service_type
	m.SourceTON, m.SourceNPI, m.Source = f.u8(), f.u8(), f.cstring()
	m.DestTON, m.DestNPI, m.Dest = f.u8(), f.u8(), f.cstring()
	m.EsmClass = f.u8()
	f.u8()      // protocol_id
	f.u8()      // priority_flag
	f.cstring() // schedule_delivery_time
	f.cstring() // validity_period
	m.RegisteredDelivery = f.u8()
	f.u8() // replace_if_present_flag
	m.DataCoding = f.u8()
	f.u8() // sm_default_msg_id
	m.Message = f.take(int(f.u8()))
	for f.err == nil && len(f.b) >= 4 { // TLVs
		tag, n := binary.BigEndian.Uint16(f.b), int(binary.BigEndian.Uint16(f.b[2:]))
		f.take(4)
		v := f.take(n)
		if tag == 0x0424 && len(m.Message) == 0 { // message_payload
			m.Message = v
		}
	}
	return m, f.err
}
