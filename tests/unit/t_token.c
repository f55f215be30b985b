/* Unit tests: lib/token (HMAC-signed address tags). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "lib/token.h"

int
main(void)
{
	struct token_key k, other;
	enum token_kind kind;
	uint64_t id;
	char t[TOKEN_MAX], u[TOKEN_MAX], err[256], path[] = "/tmp/t_tokenXXXXXX";
	int fd = mkstemp(path);

	dprintf(fd, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n");
	close(fd);
	CHECK(token_key_load(&k, path, err, sizeof err) == 0 && k.len == 32);
	unlink(path);
	CHECK(token_key_load(&other, "/nonexistent", err, sizeof err) == -1);
	memcpy(&other, &k, sizeof k);
	other.key[0] ^= 1;

	token_make(&k, TOKEN_REPLY, 0x1f3, t);
	CHECK(t[0] == 'r' && strncmp(t + 1, "1f3-", 4) == 0);
	CHECK(strlen(t) == 25);
	CHECK(token_check(&k, t, strlen(t), &kind, &id) == 0);
	CHECK(kind == TOKEN_REPLY && id == 0x1f3);
	/* upper-cased by an MTA: still valid */
	for (size_t i = 0; t[i]; i++)
		u[i] = (char)(t[i] >= 'a' && t[i] <= 'z' ? t[i] - 32 : t[i]);
	u[strlen(t)] = '\0';
	CHECK(token_check(&k, u, strlen(u), &kind, &id) == 0);
	/* another secret: forged */
	CHECK(token_check(&other, t, strlen(t), &kind, &id) == -1);
	/* altered id, altered kind, altered mac, truncated: forged */
	strcpy(u, t); u[1] = '2';
	CHECK(token_check(&k, u, strlen(u), &kind, &id) == -1);
	strcpy(u, t); u[0] = 'b';
	CHECK(token_check(&k, u, strlen(u), &kind, &id) == -1);
	strcpy(u, t); u[strlen(u) - 1] = u[strlen(u) - 1] == '0' ? '1' : '0';
	CHECK(token_check(&k, u, strlen(u), &kind, &id) == -1);
	CHECK(token_check(&k, t, strlen(t) - 1, &kind, &id) == -1);
	CHECK(token_check(&k, "x1-00000000000000000000", 23, &kind, &id) == -1);
	CHECK(token_check(&k, "", 0, &kind, &id) == -1);
	/* the largest id still fits a 64-octet local part with a prefix */
	token_make(&k, TOKEN_BOUNCE, UINT64_MAX, t);
	CHECK(strlen(t) + strlen("office+") <= 64);
	CHECK(token_check(&k, t, strlen(t), &kind, &id) == 0 && id == UINT64_MAX);
	/* ... and is exactly TOKEN_LEN_MAX, what tagged addresses are sized by */
	CHECK(strlen(t) == TOKEN_LEN_MAX);
	return check_done("t_token");
}
