#pragma once
// Published JWS test vectors: RFC 7515 App. A.1-A.4, RFC 8037 App. A, RFC 7520 sec. 4.1-4.4.
namespace jwt_vectors {
struct Vector {
  const char* name;      // e.g. "RFC 7515 A.1 HS256"
  const char* alg;       // the header's alg
  const char* jwk;       // the published key as one JWK JSON object, private members included
  const char* token;     // the compact serialization, exactly as published (whitespace removed)
  bool claims_are_json;  // true when the payload is a JSON object (a JWT), false for text payloads
  long long exp;         // the payload's exp claim, or 0 when there is none
};

// Line breaks inside base64url values follow the RFC's own display breaks; the adjacent
// literals concatenate to the published values with that whitespace removed.
// RFC 7520 §3.4: the RSA key of sections 4.1 and 4.2.
inline constexpr const char* kRfc7520RsaKey =
    R"({"kty":"RSA",)"
    R"("kid":"bilbo.baggins@hobbiton.example",)"
    R"("use":"sig",)"
    R"("n":"n4EPtAOCc9AlkeQHPzHStgAbgs7bTZLwUBZdR8_KuKPEHLd4rHVTeT)"
    R"(-O-XV2jRojdNhxJWTDvNd7nqQ0VEiZQHz_AJmSCpMaJMRBSFKrKb2wqV)"
    R"(wGU_NsYOYL-QtiWN2lbzcEe6XC0dApr5ydQLrHqkHHig3RBordaZ6Aj-)"
    R"(oBHqFEHYpPe7Tpe-OfVfHd1E6cS6M1FZcD1NNLYD5lFHpPI9bTwJlsde)"
    R"(3uhGqC0ZCuEHg8lhzwOHrtIQbS0FVbb9k3-tVTU4fg_3L_vniUFAKwuC)"
    R"(LqKnS2BYwdq_mzSnbLY7h_qixoR7jig3__kRhuaxwUkRz5iaiQkqgc5g)"
    R"(HdrNP5zw",)"
    R"("e":"AQAB",)"
    R"("d":"bWUC9B-EFRIo8kpGfh0ZuyGPvMNKvYWNtB_ikiH9k20eT-O1q_I78e)"
    R"(iZkpXxXQ0UTEs2LsNRS-8uJbvQ-A1irkwMSMkK1J3XTGgdrhCku9gRld)"
    R"(Y7sNA_AKZGh-Q661_42rINLRCe8W-nZ34ui_qOfkLnK9QWDDqpaIsA-b)"
    R"(MwWWSDFu2MUBYwkHTMEzLYGqOe04noqeq1hExBTHBOBdkMXiuFhUq1BU)"
    R"(6l-DqEiWxqg82sXt2h-LMnT3046AOYJoRioz75tSUQfGCshWTBnP5uDj)"
    R"(d18kKhyv07lhfSJdrPdM5Plyl21hsFf4L_mHCuoFau7gdsPfHPxxjVOc)"
    R"(OpBrQzwQ",)"
    R"("p":"3Slxg_DwTXJcb6095RoXygQCAZ5RnAvZlno1yhHtnUex_fp7AZ_9nR)"
    R"(aO7HX_-SFfGQeutao2TDjDAWU4Vupk8rw9JR0AzZ0N2fvuIAmr_WCsmG)"
    R"(peNqQnev1T7IyEsnh8UMt-n5CafhkikzhEsrmndH6LxOrvRJlsPp6Zv8)"
    R"(bUq0k",)"
    R"("q":"uKE2dh-cTf6ERF4k4e_jy78GfPYUIaUyoSSJuBzp3Cubk3OCqs6grT)"
    R"(8bR_cu0Dm1MZwWmtdqDyI95HrUeq3MP15vMMON8lHTeZu2lmKvwqW7an)"
    R"(V5UzhM1iZ7z4yMkuUwFWoBvyY898EXvRD-hdqRxHlSqAZ192zB3pVFJ0)"
    R"(s7pFc",)"
    R"("dp":"B8PVvXkvJrj2L-GYQ7v3y9r6Kw5g9SahXBwsWUzp19TVlgI-YV85q)"
    R"(1NIb1rxQtD-IsXXR3-TanevuRPRt5OBOdiMGQp8pbt26gljYfKU_E9xn)"
    R"(-RULHz0-ed9E9gXLKD4VGngpz-PfQ_q29pk5xWHoJp009Qf1HvChixRX)"
    R"(59ehik",)"
    R"("dq":"CLDmDGduhylc9o7r84rEUVn7pzQ6PF83Y-iBZx5NT-TpnOZKF1pEr)"
    R"(AMVeKzFEl41DlHHqqBLSM0W1sOFbwTxYWZDm6sI6og5iTbwQGIC3gnJK)"
    R"(bi_7k_vJgGHwHxgPaX2PnvP-zyEkDERuf-ry4c_Z11Cq9AqC2yeL6kdK)"
    R"(T1cYF8",)"
    R"("qi":"3PiqvXQN0zwMeE-sBvZgi289XP9XCQF3VWqPzMKnIgQp7_Tugo6-N)"
    R"(ZBKCQsMf3HaEGBjTVJs_jcK8-TRXvaKe-7ZMaQj8VfBdYkssbu0NKDDh)"
    R"(jJ-GtiseaDVWt7dcH0cfwxgFUHpQh7FoCrjFJ6h6ZEpMF6xmujs4qMpP)"
    R"(z8aaI4"})";

inline constexpr Vector kVectors[] = {
    // RFC 7515 Appendix A.1: JWS using HMAC SHA-256. Key from A.1.1.
    {
        .name = "RFC 7515 A.1 HS256",
        .alg = "HS256",
        .jwk = R"({"kty":"oct",)"
               R"("k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75)"
               R"(aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"})",
        .token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
                 "."
                 "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt"
                 "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
                 "."
                 "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
        .claims_are_json = true,
        .exp = 1300819380,
    },
    // RFC 7515 Appendix A.2: JWS using RSASSA-PKCS1-v1_5 SHA-256. Key from A.2.1.
    {
        .name = "RFC 7515 A.2 RS256",
        .alg = "RS256",
        .jwk = R"({"kty":"RSA",)"
               R"("n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddx)"
               R"(HmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMs)"
               R"(D1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSH)"
               R"(SXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdV)"
               R"(MTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8)"
               R"(NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ",)"
               R"("e":"AQAB",)"
               R"("d":"Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97I)"
               R"(jlA7_GQ5sLKMgvfTeXZx9SE-7YwVol2NXOoAJe46sui395IW_GO-pWJ1O0)"
               R"(BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn)"
               R"(439X0M_V51gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYT)"
               R"(CBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3ccPDVZFD9pIuhLh)"
               R"(BOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ",)"
               R"("p":"4BzEEOtIpmVdVEZNCqS7baC4crd0pqnRH_5IB3jw3bcxGn6QLvnEtfdUdi)"
               R"(YrqBdss1l58BQ3KhooKeQTa9AB0Hw_Py5PJdTJNPY8cQn7ouZ2KKDcmnPG)"
               R"(BY5t7yLc1QlQ5xHdwW1VhvKn-nXqhJTBgIPgtldC-KDV5z-y2XDwGUc",)"
               R"("q":"uQPEfgmVtjL0Uyyx88GZFF1fOunH3-7cepKmtH4pxhtCoHqpWmT8YAmZxa)"
               R"(ewHgHAjLYsp1ZSe7zFYHj7C6ul7TjeLQeZD_YwD66t62wDmpe_HlB-TnBA)"
               R"(-njbglfIsRLtXlnDzQkv5dTltRJ11BKBBypeeF6689rjcJIDEz9RWdc",)"
               R"("dp":"BwKfV3Akq5_MFZDFZCnW-wzl-CCo83WoZvnLQwCTeDv8uzluRSnm71I3Q)"
               R"(CLdhrqE2e9YkxvuxdBfpT_PI7Yz-FOKnu1R6HsJeDCjn12Sk3vmAktV2zb)"
               R"(34MCdy7cpdTh_YVr7tss2u6vneTwrA86rZtu5Mbr1C1XsmvkxHQAdYo0",)"
               R"("dq":"h_96-mK1R_7glhsum81dZxjTnYynPbZpHziZjeeHcXYsXaaMwkOlODsWa)"
               R"(7I9xXDoRwbKgB719rrmI2oKr6N3Do9U0ajaHF-NKJnwgjMd2w9cjz3_-ky)"
               R"(NlxAr2v4IKhGNpmM5iIgOS1VZnOZ68m6_pbLBSp3nssTdlqvd0tIiTHU",)"
               R"("qi":"IYd7DHOhrWvxkwPQsRM2tOgrjbcrfvtQJipd-DlcxyVuuM9sQLdgjVk2o)"
               R"(y26F0EmpScGLq2MowX7fhd_QJQ3ydy5cY7YIBi87w93IKLEdfnbJtoOPLU)"
               R"(W0ITrJReOgo1cq9SbsxYawBgfp_gh6A5603k2-ZQwVK0JKSHuLFkuQ3U"})",
        .token = "eyJhbGciOiJSUzI1NiJ9"
                 "."
                 "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt"
                 "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
                 "."
                 "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7"
                 "AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4"
                 "BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K"
                 "0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqv"
                 "hJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrB"
                 "p0igcN_IoypGlUPQGe77Rw",
        .claims_are_json = true,
        .exp = 1300819380,
    },
    // RFC 7515 Appendix A.3: JWS using ECDSA P-256 SHA-256. Key from A.3.1.
    {
        .name = "RFC 7515 A.3 ES256",
        .alg = "ES256",
        .jwk = R"({"kty":"EC",)"
               R"("crv":"P-256",)"
               R"("x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",)"
               R"("y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",)"
               R"("d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"})",
        .token = "eyJhbGciOiJFUzI1NiJ9"
                 "."
                 "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt"
                 "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
                 "."
                 "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSA"
                 "pmWQxfKTUJqPP3-Kg6NU1Q",
        .claims_are_json = true,
        .exp = 1300819380,
    },
    // RFC 7515 Appendix A.4: JWS using ECDSA P-521 SHA-512. Key from A.4.1; the payload is
    // the ASCII text "Payload".
    {
        .name = "RFC 7515 A.4 ES512",
        .alg = "ES512",
        .jwk = R"({"kty":"EC",)"
               R"("crv":"P-521",)"
               R"("x":"AekpBQ8ST8a8VcfVOTNl353vSrDCLLJXmPk06wTjxrrjcBpXp5EOnYG_)"
               R"(NjFZ6OvLFV1jSfS9tsz4qUxcWceqwQGk",)"
               R"("y":"ADSmRA43Z1DSNx_RvcLI87cdL07l6jQyyBXMoxVg_l2Th-x3S1WDhjDl)"
               R"(y79ajL4Kkd0AZMaZmh9ubmf63e3kyMj2",)"
               R"("d":"AY5pb7A0UFiB3RELSD64fTLOSV_jazdF7fLYyuTw8lOfRhWg6Y6rUrPA)"
               R"(xerEzgdRhajnu0ferB0d53vM9mE15j2C"})",
        .token = "eyJhbGciOiJFUzUxMiJ9"
                 "."
                 "UGF5bG9hZA"
                 "."
                 "AdwMgeerwtHoh-l192l60hp9wAHZFVJbLfD_UxMi70cwnZOYaRI1bKPWROc-mZZq"
                 "wqT2SI-KGDKB34XO0aw_7XdtAG8GaSwFKdCAPZgoXD2YBJZCPEX3xKpRwcdOO8Kp"
                 "EHwJjyqOgzDO7iKvU8vcnwNrmxYbSW9ERBXukOXolLzeO_Jn",
        .claims_are_json = false,
        .exp = 0,
    },
    // RFC 8037 Appendix A.4: Ed25519 signing of the text "Example of Ed25519 signing" with
    // the private key of A.1.
    {
        .name = "RFC 8037 A.4 EdDSA",
        .alg = "EdDSA",
        .jwk = R"({"kty":"OKP","crv":"Ed25519",)"
               R"("d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",)"
               R"("x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})",
        .token = "eyJhbGciOiJFZERTQSJ9"
                 "."
                 "RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
                 "."
                 "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5Bh"
                 "VsPt9g7sVvpAr_MuM0KAg",
        .claims_are_json = false,
        .exp = 0,
    },
    // RFC 7520 section 4.1: RSA v1.5 signature (Figure 13), with the RSA private key of
    // section 3.4 (Figure 4).
    {
        .name = "RFC 7520 4.1 RS256",
        .alg = "RS256",
        .jwk = kRfc7520RsaKey,
        .token = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZX"
                 "hhbXBsZSJ9"
                 "."
                 "SXTigJlzIGEgZGFuZ2Vyb3VzIGJ1c2luZXNzLCBGcm9kbywgZ29pbmcgb3V0IH"
                 "lvdXIgZG9vci4gWW91IHN0ZXAgb250byB0aGUgcm9hZCwgYW5kIGlmIHlvdSBk"
                 "b24ndCBrZWVwIHlvdXIgZmVldCwgdGhlcmXigJlzIG5vIGtub3dpbmcgd2hlcm"
                 "UgeW91IG1pZ2h0IGJlIHN3ZXB0IG9mZiB0by4"
                 "."
                 "MRjdkly7_-oTPTS3AXP41iQIGKa80A0ZmTuV5MEaHoxnW2e5CZ5NlKtainoFmK"
                 "ZopdHM1O2U4mwzJdQx996ivp83xuglII7PNDi84wnB-BDkoBwA78185hX-Es4J"
                 "IwmDLJK3lfWRa-XtL0RnltuYv746iYTh_qHRD68BNt1uSNCrUCTJDt5aAE6x8w"
                 "W1Kt9eRo4QPocSadnHXFxnt8Is9UzpERV0ePPQdLuW3IS_de3xyIrDaLGdjluP"
                 "xUAhb6L2aXic1U12podGU0KLUQSE_oI-ZnmKJ3F4uOZDnd6QZWJushZ41Axf_f"
                 "cIe8u9ipH84ogoree7vjbU5y18kDquDg",
        .claims_are_json = false,
        .exp = 0,
    },
    // RFC 7520 section 4.2: RSA-PSS signature (Figure 20), with the RSA private key of
    // section 3.4 (Figure 4).
    {
        .name = "RFC 7520 4.2 PS384",
        .alg = "PS384",
        .jwk = kRfc7520RsaKey,
        .token = "eyJhbGciOiJQUzM4NCIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZX"
                 "hhbXBsZSJ9"
                 "."
                 "SXTigJlzIGEgZGFuZ2Vyb3VzIGJ1c2luZXNzLCBGcm9kbywgZ29pbmcgb3V0IH"
                 "lvdXIgZG9vci4gWW91IHN0ZXAgb250byB0aGUgcm9hZCwgYW5kIGlmIHlvdSBk"
                 "b24ndCBrZWVwIHlvdXIgZmVldCwgdGhlcmXigJlzIG5vIGtub3dpbmcgd2hlcm"
                 "UgeW91IG1pZ2h0IGJlIHN3ZXB0IG9mZiB0by4"
                 "."
                 "cu22eBqkYDKgIlTpzDXGvaFfz6WGoz7fUDcfT0kkOy42miAh2qyBzk1xEsnk2I"
                 "pN6-tPid6VrklHkqsGqDqHCdP6O8TTB5dDDItllVo6_1OLPpcbUrhiUSMxbbXU"
                 "vdvWXzg-UD8biiReQFlfz28zGWVsdiNAUf8ZnyPEgVFn442ZdNqiVJRmBqrYRX"
                 "e8P_ijQ7p8Vdz0TTrxUeT3lm8d9shnr2lfJT8ImUjvAA2Xez2Mlp8cBE5awDzT"
                 "0qI0n6uiP1aCN_2_jLAeQTlqRHtfa64QQSUmFAAjVKPbByi7xho0uTOcbH510a"
                 "6GYmJUAfmWjwZ6oD4ifKo8DYM-X72Eaw",
        .claims_are_json = false,
        .exp = 0,
    },
    // RFC 7520 section 4.3: ECDSA signature (Figure 27), with the EC P-521 private key of
    // section 3.2 (Figure 2).
    {
        .name = "RFC 7520 4.3 ES512",
        .alg = "ES512",
        .jwk = R"({"kty":"EC",)"
               R"("kid":"bilbo.baggins@hobbiton.example",)"
               R"("use":"sig",)"
               R"("crv":"P-521",)"
               R"("x":"AHKZLLOsCOzz5cY97ewNUajB957y-C-U88c3v13nmGZx6sYl_oJXu9)"
               R"(A5RkTKqjqvjyekWF-7ytDyRXYgCF5cj0Kt",)"
               R"("y":"AdymlHvOiLxXkEhayXQnNCvDX4h9htZaCJN34kfmC6pV5OhQHiraVy)"
               R"(SsUdaQkAgDPrwQrJmbnX9cwlGfP-HqHZR1",)"
               R"("d":"AAhRON2r9cqXX1hg-RoI6R1tX5p2rUAYdmpHZoC1XNM56KtscrX6zb)"
               R"(KipQrCW9CGZH3T4ubpnoTKLDYJ_fF3_rJt"})",
        .token = "eyJhbGciOiJFUzUxMiIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZX"
                 "hhbXBsZSJ9"
                 "."
                 "SXTigJlzIGEgZGFuZ2Vyb3VzIGJ1c2luZXNzLCBGcm9kbywgZ29pbmcgb3V0IH"
                 "lvdXIgZG9vci4gWW91IHN0ZXAgb250byB0aGUgcm9hZCwgYW5kIGlmIHlvdSBk"
                 "b24ndCBrZWVwIHlvdXIgZmVldCwgdGhlcmXigJlzIG5vIGtub3dpbmcgd2hlcm"
                 "UgeW91IG1pZ2h0IGJlIHN3ZXB0IG9mZiB0by4"
                 "."
                 "AE_R_YZCChjn4791jSQCrdPZCNYqHXCTZH0-JZGYNlaAjP2kqaluUIIUnC9qvb"
                 "u9Plon7KRTzoNEuT4Va2cmL1eJAQy3mtPBu_u_sDDyYjnAMDxXPn7XrT0lw-kv"
                 "AD890jl8e2puQens_IEKBpHABlsbEPX6sFY8OcGDqoRuBomu9xQ2",
        .claims_are_json = false,
        .exp = 0,
    },
    // RFC 7520 section 4.4: HMAC-SHA2 integrity protection (Figure 34), with the symmetric
    // key of section 3.5 (Figure 5).
    {
        .name = "RFC 7520 4.4 HS256",
        .alg = "HS256",
        .jwk = R"({"kty":"oct",)"
               R"("kid":"018c0ae5-4d9b-471b-bfd6-eef314bc7037",)"
               R"("use":"sig",)"
               R"("alg":"HS256",)"
               R"("k":"hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg"})",
        .token = "eyJhbGciOiJIUzI1NiIsImtpZCI6IjAxOGMwYWU1LTRkOWItNDcxYi1iZmQ2LW"
                 "VlZjMxNGJjNzAzNyJ9"
                 "."
                 "SXTigJlzIGEgZGFuZ2Vyb3VzIGJ1c2luZXNzLCBGcm9kbywgZ29pbmcgb3V0IH"
                 "lvdXIgZG9vci4gWW91IHN0ZXAgb250byB0aGUgcm9hZCwgYW5kIGlmIHlvdSBk"
                 "b24ndCBrZWVwIHlvdXIgZmVldCwgdGhlcmXigJlzIG5vIGtub3dpbmcgd2hlcm"
                 "UgeW91IG1pZ2h0IGJlIHN3ZXB0IG9mZiB0by4"
                 "."
                 "s0h6KThzkfBBBkLspW1h84VsJZFTsPPqMDA7g1Md7p0",
        .claims_are_json = false,
        .exp = 0,
    },
};
}  // namespace jwt_vectors
