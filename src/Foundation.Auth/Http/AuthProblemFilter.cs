using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Foundation.Auth.Http;

/// <summary>
/// Turns Foundation.Auth's typed refusals into problem answers: validation -> 400 naming the field, failed
/// credentials -> 401 (with <c>WWW-Authenticate: Bearer</c>), conflicts -> 409, organisation refusals -> their own status
/// (403/404/409/410/503) with a <c>code</c>. Nothing else is caught. The groups of
/// <c>MapFoundationAuthApi()</c> and <c>MapFoundationTotpApi()</c> carry it; add it to your own endpoints that call
/// <see cref="Accounts.AccountService"/> to answer the same problems.
/// </summary>
public sealed class AuthProblemFilter : IEndpointFilter
{
    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (AuthValidationException ex)
        {
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal)
            {
                [ex.Field] = ex.PasswordErrors.Count > 0 ? [.. ex.PasswordErrors.Select(e => e.Message)] : [ex.Message],
            };
            var problem = new HttpValidationProblemDetails(errors)
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request is invalid",
                Detail = ex.Message,
            };
            problem.Extensions["field"] = ex.Field;
            if (ex.PasswordErrors.Count > 0)
            {
                problem.Extensions["reasons"] = ex.PasswordErrors.Select(e => e.Code).ToArray();
            }

            return Results.Problem(problem);
        }
        catch (AuthenticationFailedException ex)
        {
            // RFC 9110: every 401 names the scheme that would be accepted.
            context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Authentication failed",
                Detail = ex.Message,
            });
        }
        catch (AccountMail.EmailNotConfirmedException ex)
        {
            return Results.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "E-mail address not confirmed",
                Detail = ex.Message,
            });
        }
        catch (Foundation.Email.EmailDeliveryException ex)
        {
            // Account mail could not be sent (no sender registered, or the mail server refused): the caller may retry later.
            return Results.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "E-mail could not be sent",
                Detail = ex.Message,
            });
        }
        catch (Organizations.OrganizationRefusedException ex)
        {
            var problem = new ProblemDetails
            {
                Status = ex.StatusCode,
                Title = ex.StatusCode switch
                {
                    StatusCodes.Status403Forbidden => "Forbidden",
                    StatusCodes.Status404NotFound => "Not found",
                    StatusCodes.Status410Gone => "Gone",
                    StatusCodes.Status503ServiceUnavailable => "Service unavailable",
                    _ => "Conflict",
                },
                Detail = ex.Message,
            };
            problem.Extensions["code"] = ex.Code;
            if (ex.Field is not null)
            {
                problem.Extensions["field"] = ex.Field;
            }

            return Results.Problem(problem);
        }
        catch (AuthConflictException ex)
        {
            return Results.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "Conflict",
                Detail = ex.Message,
            });
        }
    }
}
