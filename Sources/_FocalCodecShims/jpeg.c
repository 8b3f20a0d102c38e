// libjpeg wrapped so that no error can leave the process: the default error
// manager calls exit(); ours longjmps back here and returns the message.

#include "FocalCodecShims.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

/// A progressive JPEG can ask for an unbounded number of scans (a known
/// decompression-time bomb); real files use about ten.
enum { MAX_PROGRESSIVE_SCANS = 500 };

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf escape;
    char *message;
    size_t capacity;
} guarded_errors;

typedef struct {
    struct jpeg_progress_mgr base;
    j_decompress_ptr cinfo;
} scan_limit;

static void copy_message(char *dst, size_t capacity, const char *text) {
    if (!dst || capacity == 0) return;
    snprintf(dst, capacity, "%s", text);
}

static void on_error(j_common_ptr cinfo) {
    guarded_errors *errors = (guarded_errors *)cinfo->err;
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    copy_message(errors->message, errors->capacity, text);
    longjmp(errors->escape, 1);
}

/// Warnings are ignored except compressed data that ends early (at the end of
/// the file, or at a marker), which libjpeg would otherwise paper over with gray
/// pixels: a truncated or corrupted scan is an error here.
static void on_message(j_common_ptr cinfo, int level) {
    if (level < 0 && (cinfo->err->msg_code == JWRN_JPEG_EOF || cinfo->err->msg_code == JWRN_HIT_MARKER)) {
        on_error(cinfo);
    }
}

static void on_progress(j_common_ptr cinfo) {
    if (cinfo->is_decompressor) {
        j_decompress_ptr d = (j_decompress_ptr)cinfo;
        if (d->input_scan_number > MAX_PROGRESSIVE_SCANS) {
            guarded_errors *errors = (guarded_errors *)cinfo->err;
            copy_message(errors->message, errors->capacity, "too many progressive scans (over 500)");
            longjmp(errors->escape, 1);
        }
    }
}

static void install_errors(guarded_errors *errors, char *message, size_t capacity) {
    jpeg_std_error(&errors->base);
    errors->base.error_exit = on_error;
    errors->base.emit_message = on_message;
    errors->message = message;
    errors->capacity = capacity;
}

static int is_exif(jpeg_saved_marker_ptr m) {
    return m->marker == JPEG_APP0 + 1 && m->data_length > 6 && memcmp(m->data, "Exif\0\0", 6) == 0;
}

int focal_jpeg_read_header(const uint8_t *data, size_t size, focal_jpeg_header *header,
                           char *error, size_t error_capacity) {
    struct jpeg_decompress_struct cinfo;
    guarded_errors errors;
    memset(header, 0, sizeof *header);
    if (size == 0) { copy_message(error, error_capacity, "empty file"); return 1; }
    cinfo.err = &errors.base;
    install_errors(&errors, error, error_capacity);
    if (setjmp(errors.escape)) {
        free(header->exif);
        header->exif = NULL;
        jpeg_destroy_decompress(&cinfo);
        return 1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xFFFF);
    jpeg_read_header(&cinfo, TRUE);
    header->width = (int)cinfo.image_width;
    header->height = (int)cinfo.image_height;
    header->components = cinfo.num_components;
    header->color_space = (int)cinfo.jpeg_color_space;
    header->progressive = cinfo.progressive_mode ? 1 : 0;
    header->adobe_transform_seen = cinfo.saw_Adobe_marker ? 1 : 0;
    for (jpeg_saved_marker_ptr m = cinfo.marker_list; m; m = m->next) {
        if (is_exif(m)) {
            header->exif_size = m->data_length - 6;
            header->exif = malloc(header->exif_size);
            if (header->exif) memcpy(header->exif, m->data + 6, header->exif_size);
            else header->exif_size = 0;
            break;
        }
    }
    jpeg_destroy_decompress(&cinfo);
    return 0;
}

/// Adobe writes CMYK inverted (0 = full ink); libjpeg hands the stored values
/// through, so with the Adobe marker R = C·K/255, without it R = (255−C)(255−K)/255.
static void cmyk_to_rgb(const uint8_t *cmyk, uint8_t *rgb, int width, int inverted) {
    for (int x = 0; x < width; x++) {
        int c = cmyk[4 * x], m = cmyk[4 * x + 1], y = cmyk[4 * x + 2], k = cmyk[4 * x + 3];
        if (!inverted) { c = 255 - c; m = 255 - m; y = 255 - y; k = 255 - k; }
        rgb[3 * x] = (uint8_t)((c * k + 127) / 255);
        rgb[3 * x + 1] = (uint8_t)((m * k + 127) / 255);
        rgb[3 * x + 2] = (uint8_t)((y * k + 127) / 255);
    }
}

int focal_jpeg_decode(const uint8_t *data, size_t size, int scale_num, int64_t max_pixels,
                      uint8_t *into, size_t into_capacity,
                      focal_pixels *out, char *error, size_t error_capacity) {
    struct jpeg_decompress_struct cinfo;
    guarded_errors errors;
    scan_limit progress;
    uint8_t *volatile pixels = NULL;
    uint8_t *volatile row = NULL;
    memset(out, 0, sizeof *out);
    if (size == 0) { copy_message(error, error_capacity, "empty file"); return 1; }
    cinfo.err = &errors.base;
    install_errors(&errors, error, error_capacity);
    volatile int owned = 0;
    if (setjmp(errors.escape)) {
        if (owned) free(pixels);
        free(row);
        jpeg_destroy_decompress(&cinfo);
        return 1;
    }
    jpeg_create_decompress(&cinfo);
    progress.base.progress_monitor = on_progress;
    progress.cinfo = &cinfo;
    cinfo.progress = &progress.base;
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    if ((int64_t)cinfo.image_width * (int64_t)cinfo.image_height > max_pixels) {
        snprintf(error, error_capacity, "image of %ux%u pixels is over the limit of %lld pixels",
                 cinfo.image_width, cinfo.image_height, (long long)max_pixels);
        jpeg_destroy_decompress(&cinfo);
        return FOCAL_TOO_LARGE;
    }
    int cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
    cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
    if (scale_num < 1) scale_num = 1;
    if (scale_num > 8) scale_num = 8;
    cinfo.scale_num = (unsigned)scale_num;
    cinfo.scale_denom = 8;
    cinfo.dct_method = JDCT_ISLOW;
    cinfo.do_fancy_upsampling = TRUE;
    jpeg_start_decompress(&cinfo);

    int width = (int)cinfo.output_width, height = (int)cinfo.output_height;
    size_t bytes = (size_t)width * (size_t)height * 3;
    owned = !(into && bytes == into_capacity);
    pixels = owned ? malloc(bytes) : into;
    if (cmyk) row = malloc((size_t)width * 4);
    if (!pixels || (cmyk && !row)) {
        copy_message(error, error_capacity, "out of memory");
        if (owned) free(pixels);
        free(row);
        jpeg_destroy_decompress(&cinfo);
        return 1;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        int y = (int)cinfo.output_scanline;
        uint8_t *target = pixels + (size_t)y * (size_t)width * 3;
        if (cmyk) {
            JSAMPROW rows[1] = { row };
            jpeg_read_scanlines(&cinfo, rows, 1);
            cmyk_to_rgb(row, target, width, cinfo.saw_Adobe_marker);
        } else {
            /* Several rows a call: libjpeg then writes whole row groups straight to them. */
            JSAMPROW rows[16];
            int n = (int)cinfo.output_height - y < 16 ? (int)cinfo.output_height - y : 16;
            for (int i = 0; i < n; i++) rows[i] = target + (size_t)i * (size_t)width * 3;
            jpeg_read_scanlines(&cinfo, rows, (JDIMENSION)n);
        }
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    free(row);
    out->pixels = pixels;
    out->width = width;
    out->height = height;
    out->channels = 3;
    return 0;
}

int focal_jpeg_encode(const uint8_t *pixels, int width, int height, int channels, int quality,
                      uint8_t **out, size_t *out_size, char *error, size_t error_capacity) {
    struct jpeg_compress_struct cinfo;
    guarded_errors errors;
    unsigned char *volatile buffer = NULL;
    unsigned long buffer_size = 0;
    *out = NULL;
    *out_size = 0;
    if (channels != 1 && channels != 3) {
        copy_message(error, error_capacity, "JPEG encoding takes 1 or 3 channels");
        return 1;
    }
    cinfo.err = &errors.base;
    install_errors(&errors, error, error_capacity);
    if (setjmp(errors.escape)) {
        jpeg_destroy_compress(&cinfo);
        free(buffer);
        return 1;
    }
    jpeg_create_compress(&cinfo);
    unsigned char *mem = NULL;
    jpeg_mem_dest(&cinfo, &mem, &buffer_size);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = channels;
    cinfo.in_color_space = channels == 3 ? JCS_RGB : JCS_GRAYSCALE;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    cinfo.dct_method = JDCT_ISLOW;
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW rows[1] = { (JSAMPROW)(pixels + (size_t)cinfo.next_scanline * (size_t)width * (size_t)channels) };
        jpeg_write_scanlines(&cinfo, rows, 1);
        buffer = mem;
    }
    jpeg_finish_compress(&cinfo);
    buffer = mem;
    jpeg_destroy_compress(&cinfo);
    *out = buffer;
    *out_size = buffer_size;
    return 0;
}

void focal_free(void *pointer) { free(pointer); }
