// libpng wrapped so that its errors (png_error longjmps) come back as a return
// code and a message.

#include "FocalCodecShims.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>

typedef struct {
    char *message;
    size_t capacity;
} error_sink;

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t offset;
} memory_reader;

typedef struct {
    uint8_t *data;
    size_t size;
    size_t capacity;
    int failed;
} memory_writer;

static void on_error(png_structp png, png_const_charp text) {
    error_sink *sink = (error_sink *)png_get_error_ptr(png);
    if (sink && sink->message && sink->capacity) snprintf(sink->message, sink->capacity, "%s", text);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

static void read_memory(png_structp png, png_bytep target, png_size_t length) {
    memory_reader *reader = (memory_reader *)png_get_io_ptr(png);
    if (reader->size - reader->offset < length) {
        png_error(png, "truncated PNG data");
    }
    memcpy(target, reader->data + reader->offset, length);
    reader->offset += length;
}

int focal_png_decode(const uint8_t *data, size_t size, int64_t max_pixels,
                     focal_pixels *out, char *error, size_t error_capacity) {
    error_sink sink = { error, error_capacity };
    memory_reader reader = { data, size, 0 };
    png_structp png = NULL;
    png_infop info = NULL;
    uint8_t *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    memset(out, 0, sizeof *out);
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        snprintf(error, error_capacity, size == 0 ? "empty file" : "not a PNG signature");
        return 1;
    }
    png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &sink, on_error, on_warning);
    if (!png) { snprintf(error, error_capacity, "out of memory"); return 1; }
    info = png_create_info_struct(png);
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        snprintf(error, error_capacity, "out of memory");
        return 1;
    }
    if (setjmp(png_jmpbuf(png))) {
        free(pixels);
        free(rows);
        png_destroy_read_struct(&png, &info, NULL);
        return 1;
    }
    png_set_read_fn(png, &reader, read_memory);
    png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
    png_read_info(png, info);
    png_uint_32 width = png_get_image_width(png, info);
    png_uint_32 height = png_get_image_height(png, info);
    if ((int64_t)width * (int64_t)height > max_pixels) {
        snprintf(error, error_capacity, "image of %ux%u pixels is over the limit of %lld pixels",
                 width, height, (long long)max_pixels);
        png_destroy_read_struct(&png, &info, NULL);
        return FOCAL_TOO_LARGE;
    }
    int color = png_get_color_type(png, info);
    png_set_expand(png);            // palette → RGB, gray < 8 bits → 8, tRNS → alpha
    png_set_strip_16(png);          // 16-bit → high byte
    if (color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    png_set_add_alpha(png, 0xFF, PNG_FILLER_AFTER);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_rowbytes(png, info) != (size_t)width * 4) {
        png_error(png, "unsupported PNG pixel layout");
    }
    pixels = malloc((size_t)width * (size_t)height * 4);
    rows = malloc(sizeof(png_bytep) * (size_t)height);
    if (!pixels || !rows) png_error(png, "out of memory");
    for (png_uint_32 y = 0; y < height; y++) rows[y] = pixels + (size_t)y * (size_t)width * 4;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);
    free(rows);
    out->pixels = pixels;
    out->width = (int)width;
    out->height = (int)height;
    out->channels = 4;
    return 0;
}

static void write_memory(png_structp png, png_bytep source, png_size_t length) {
    memory_writer *writer = (memory_writer *)png_get_io_ptr(png);
    if (writer->size + length > writer->capacity) {
        size_t capacity = writer->capacity ? writer->capacity : 4096;
        while (capacity < writer->size + length) capacity *= 2;
        uint8_t *grown = realloc(writer->data, capacity);
        if (!grown) png_error(png, "out of memory");
        writer->data = grown;
        writer->capacity = capacity;
    }
    memcpy(writer->data + writer->size, source, length);
    writer->size += length;
}

static void flush_memory(png_structp png) { (void)png; }

int focal_png_encode(const uint8_t *pixels, int width, int height, int channels,
                     uint8_t **out, size_t *out_size, char *error, size_t error_capacity) {
    error_sink sink = { error, error_capacity };
    memory_writer writer = { NULL, 0, 0, 0 };
    memory_writer *volatile w = &writer;
    png_structp png = NULL;
    png_infop info = NULL;
    *out = NULL;
    *out_size = 0;
    int color;
    switch (channels) {
    case 1: color = PNG_COLOR_TYPE_GRAY; break;
    case 3: color = PNG_COLOR_TYPE_RGB; break;
    case 4: color = PNG_COLOR_TYPE_RGB_ALPHA; break;
    default: snprintf(error, error_capacity, "PNG encoding takes 1, 3 or 4 channels"); return 1;
    }
    png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink, on_error, on_warning);
    if (!png) { snprintf(error, error_capacity, "out of memory"); return 1; }
    info = png_create_info_struct(png);
    if (!info || setjmp(png_jmpbuf(png))) {
        free(w->data);
        png_destroy_write_struct(&png, &info);
        if (!info) snprintf(error, error_capacity, "out of memory");
        return 1;
    }
    png_set_write_fn(png, &writer, write_memory, flush_memory);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8, color, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < height; y++) {
        png_write_row(png, (png_const_bytep)(pixels + (size_t)y * (size_t)width * (size_t)channels));
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    *out = writer.data;
    *out_size = writer.size;
    return 0;
}
