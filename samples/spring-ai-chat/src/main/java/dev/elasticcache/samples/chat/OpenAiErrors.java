package dev.elasticcache.samples.chat;

import dev.elasticcache.samples.chat.OpenAiApi.ErrorBody;
import dev.elasticcache.samples.chat.OpenAiApi.ErrorResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Errors of the OpenAI-compatible endpoints, in OpenAI's {@code {"error": {...}}} envelope and status codes. */
@RestControllerAdvice(assignableTypes = OpenAiController.class)
public class OpenAiErrors {

    /** A request named a model this server does not serve (OpenAI answers 404 {@code model_not_found}). */
    static final class ModelNotFoundException extends RuntimeException {
        ModelNotFoundException(String requested, String served) {
            super("The model '" + requested + "' does not exist; this server serves '" + served + "'");
        }
    }

    @ExceptionHandler(ModelNotFoundException.class)
    ResponseEntity<ErrorResponse> modelNotFound(ModelNotFoundException e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.APPLICATION_JSON)
                .body(new ErrorResponse(new ErrorBody(e.getMessage(), "invalid_request_error", "model", "model_not_found")));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ErrorResponse> unreadable(HttpMessageNotReadableException e) {
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_JSON).body(new ErrorResponse(new ErrorBody(
                "the request body is not a valid chat completion request: " + e.getMostSpecificCause().getMessage(),
                "invalid_request_error", null, null)));
    }

    @ExceptionHandler(RuntimeException.class)
    ResponseEntity<ErrorResponse> engineError(RuntimeException e) {
        HttpStatus status = ApiErrors.statusOf(e);
        ResponseEntity.BodyBuilder response = ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON);
        Long retryAfter = ApiErrors.retryAfterOf(e);
        if (retryAfter != null) {
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
        }
        return response.body(body(e));
    }

    /** The error envelope of {@code e} (also the last event of a stream that fails after it started). */
    static ErrorResponse body(Throwable e) {
        HttpStatus status = ApiErrors.statusOf(e);
        String type = switch (status) {
            case BAD_REQUEST -> "invalid_request_error";
            case TOO_MANY_REQUESTS -> "rate_limit_error";
            default -> "server_error";
        };
        String code = switch (status) {
            case TOO_MANY_REQUESTS -> "engine_overloaded";
            case SERVICE_UNAVAILABLE -> "unavailable";
            default -> null;
        };
        return new ErrorResponse(new ErrorBody(ApiErrors.messageOf(e), type, null, code));
    }
}
