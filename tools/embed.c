/* Build-time helper: turn a file into a C array (used to embed the shipped
 * open data into libomrade).  Usage: embed SYMBOL INPUT OUTPUT.c */
#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: embed SYMBOL INPUT OUTPUT.c\n");
        return 2;
    }
    FILE *in = fopen(argv[2], "rb");
    FILE *out = fopen(argv[3], "w");
    if (!in || !out) {
        fprintf(stderr, "embed: cannot open files\n");
        return 1;
    }
    fprintf(out, "#include <stddef.h>\nconst unsigned char %s[] = {\n", argv[1]);
    int c;
    size_t n = 0;
    while ((c = fgetc(in)) != EOF) {
        fprintf(out, "%u,", (unsigned)c);
        if (++n % 24 == 0)
            fputc('\n', out);
    }
    fprintf(out, "0};\nconst size_t %s_len = %zu;\n", argv[1], n);
    fclose(in);
    return fclose(out) != 0;
}
