#include <zlib.h>

// deflateInit2 and inflateInit2 are macros (they pass the library version and the stream's size),
// which Swift cannot call: one wrapper each. windowBits 15 + 16 selects the gzip format (RFC 1952),
// the one W3C status lists use; inflate then refuses zlib and raw deflate streams.
static inline int auditsync_deflate_init_gzip(z_streamp stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

static inline int auditsync_inflate_init_gzip(z_streamp stream) {
    return inflateInit2(stream, 15 + 16);
}
