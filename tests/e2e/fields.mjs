// Field helpers shared by the suite and the flood measurement.

/**
 * Empties a text field the way React notices. WebDriver's clear() sets the value through the element's own
 * setter, which React watches to tell its writes from the user's, and fires no input event: React's state
 * keeps the old text and its next render (a virtualised list re-measuring, say) writes it back under the keys
 * typed after it ("1000" + "4001"). Backspaces are no way out: WebKitWebDriver drops some of them and all
 * modifier chords (Ctrl+A). So: the prototype's setter, then an input event, as a user's edit would fire.
 * @param {import("selenium-webdriver").WebDriver} driver
 * @param {import("selenium-webdriver").WebElement} input
 */
export async function emptyField(driver, input) {
  await driver.executeScript(
    `const input = arguments[0];
     Object.getOwnPropertyDescriptor(Object.getPrototypeOf(input), "value").set.call(input, "");
     input.dispatchEvent(new Event("input", { bubbles: true }));`,
    input,
  );
}
