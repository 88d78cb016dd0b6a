package sim

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
)

// bindUDP finds a free even/odd UDP port pair on the RTSP host, binds it,
// and hands the two sockets to the server through its ListenPacket hook,
// so that no other process can take them between the choice and the use.
func (z *Zone) bindUDP() error {
	host, _, err := net.SplitHostPort(z.cfg.Addr)
	if err != nil {
		return fmt.Errorf("udp: rtsp address %q: %w", z.cfg.Addr, err)
	}
	r := rand.New(rand.NewPCG(rand.Uint64(), 0))
	for try := 0; try < 50; try++ {
		port := 20000 + 2*r.IntN(20000)
		rtp, err := net.ListenPacket("udp", net.JoinHostPort(host, strconv.Itoa(port)))
		if err != nil {
			continue
		}
		rtcp, err := net.ListenPacket("udp", net.JoinHostPort(host, strconv.Itoa(port+1)))
		if err != nil {
			rtp.Close()
			continue
		}
		conns := map[string]net.PacketConn{
			strconv.Itoa(port):     rtp,
			strconv.Itoa(port + 1): rtcp,
		}
		z.srv.UDPRTPAddress = net.JoinHostPort(host, strconv.Itoa(port))
		z.srv.UDPRTCPAddress = net.JoinHostPort(host, strconv.Itoa(port+1))
		z.srv.ListenPacket = func(network, address string) (net.PacketConn, error) {
			_, p, err := net.SplitHostPort(address)
			if err != nil {
				return nil, err
			}
			if c, ok := conns[p]; ok {
				delete(conns, p)
				return c, nil
			}
			// Multicast and anything else: a fresh socket, as the default does.
			return net.ListenPacket(network, address)
		}
		return nil
	}
	return errors.New("udp: no free RTP/RTCP port pair found")
}
