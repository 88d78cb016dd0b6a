// Package video brings camera pictures to the console: a Source owns one RTSP
// connection (gortsplib, TCP or UDP) and reconnects by itself, a Decoder turns
// H.264, H.265 and MJPEG access units into RGBA pictures with libavcodec, and
// every Subscription gets the latest decoded frame, so a slow viewer drops
// frames instead of queueing them. A Pool shares one Source per stream URL
// between the wall, ANPR and camera rounds.
package video
