#ifndef FOCAL_CODEC_SHIMS_H
#define FOCAL_CODEC_SHIMS_H

// Internal to Focal: use FocalImages instead. These functions wrap libjpeg and
// libpng so that every error they raise (by longjmp, or libjpeg's default
// `exit()`) comes back as a return code and a message, never a crash.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { FOCAL_ERROR_CAPACITY = 256 };

/// Return codes: 0 success, FOCAL_FAILED for any codec error, FOCAL_TOO_LARGE
/// when the image has more pixels than allowed (checked before decoding).
enum { FOCAL_FAILED = 1, FOCAL_TOO_LARGE = 2 };

/// What a JPEG header says, read without decoding any pixels.
typedef struct {
    int width;
    int height;
    int components;   // 1 gray, 3 YCbCr/RGB, 4 CMYK/YCCK
    int color_space;  // J_COLOR_SPACE of the file
    int progressive;
    int adobe_transform_seen;
    uint8_t *exif;    // malloc'ed APP1 "Exif\0\0" payload after that prefix, or NULL
    size_t exif_size;
} focal_jpeg_header;

/// Pixels owned by C, freed with focal_free.
typedef struct {
    uint8_t *pixels;
    int width;
    int height;
    int channels;
} focal_pixels;

/// Reads the header (and the EXIF block) of a JPEG in memory. Returns 0 on success.
int focal_jpeg_read_header(const uint8_t *data, size_t size, focal_jpeg_header *header,
                           char *error, size_t error_capacity);

/// Decodes a JPEG to interleaved RGB, scaled by scale_num/8 in the DCT (1...8).
/// CMYK and YCCK are converted to RGB; gray is replicated. Fails on images with
/// more than max_pixels pixels and on truncated data. Returns 0 on success.
/// The pixels go to `into` when its `into_capacity` bytes are exactly their size
/// (out->pixels is then `into`), else to memory the caller frees with focal_free.
int focal_jpeg_decode(const uint8_t *data, size_t size, int scale_num, int64_t max_pixels,
                      uint8_t *into, size_t into_capacity,
                      focal_pixels *out, char *error, size_t error_capacity);

/// Encodes interleaved RGB (channels 3) or gray (channels 1) as a baseline JPEG.
int focal_jpeg_encode(const uint8_t *pixels, int width, int height, int channels, int quality,
                      uint8_t **out, size_t *out_size, char *error, size_t error_capacity);

/// Decodes a PNG of any kind to interleaved 8-bit RGBA (16-bit keeps the high byte,
/// palette and gray expand, tRNS becomes alpha). Returns 0 on success.
int focal_png_decode(const uint8_t *data, size_t size, int64_t max_pixels,
                     focal_pixels *out, char *error, size_t error_capacity);

/// Encodes 8-bit gray (1), RGB (3) or RGBA (4) pixels as PNG.
int focal_png_encode(const uint8_t *pixels, int width, int height, int channels,
                     uint8_t **out, size_t *out_size, char *error, size_t error_capacity);

void focal_free(void *pointer);

#ifdef __cplusplus
}
#endif

#endif
